package uapi

import (
	"context"
	"fmt"
	"sort"
)

// Handler performs one function for the calling account. It returns plain
// data with json tags in cPanel's field names, or an error (a *hosting.Error
// for anything the caller should read). It never writes a response.
type Handler func(ctx context.Context, c *Call) (any, error)

// Func declares one UAPI function.
type Func struct {
	Module  string
	Name    string
	Summary string // one line for help and docs
	Params  []Param
	// Feature, when set, must be enabled for the calling account.
	Feature string
	// Nested allows nested JSON objects in the request body, flattened into
	// dotted keys (cPanel lets UserManager take `services.ftp.enabled`).
	Nested bool
	// Returns describes data for docs: "null", "list", "object", "string",
	// "integer".
	Returns string
	// Extension marks a function cPanel's UAPI does not have.
	Extension bool
	// ReadOnly marks a function that only reads: it changes nothing for
	// the account, anywhere. Unmarked functions are taken to change
	// something, so the API Shell asks before running them and the OpenAPI
	// description says so; marking one read-only wrongly is the only
	// unsafe mistake.
	ReadOnly bool
	Handler  Handler

	params map[string]*Param // canonical name and aliases → declaration
}

// Param returns the declaration of name (or one of its aliases).
func (f *Func) Param(name string) *Param { return f.params[name] }

// Registry holds the functions of every module. It is built once at start-up
// and then only read, so it needs no lock.
type Registry struct {
	modules map[string]map[string]*Func
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{modules: make(map[string]map[string]*Func)}
}

// Add registers functions. It panics on a duplicate or a malformed
// declaration: both are programming errors found by any test that builds the
// registry.
func (r *Registry) Add(funcs ...*Func) {
	for _, f := range funcs {
		if !identRE.MatchString(f.Module) || !identRE.MatchString(f.Name) || f.Handler == nil {
			panic(fmt.Sprintf("uapi: malformed function %s::%s", f.Module, f.Name))
		}
		f.params = make(map[string]*Param)
		for i := range f.Params {
			p := &f.Params[i]
			for _, n := range append([]string{p.Name}, p.Aliases...) {
				if _, dup := f.params[n]; dup {
					panic(fmt.Sprintf("uapi: %s::%s declares %q twice", f.Module, f.Name, n))
				}
				f.params[n] = p
			}
		}
		checkLogins(f)
		m := r.modules[f.Module]
		if m == nil {
			m = make(map[string]*Func)
			r.modules[f.Module] = m
		}
		if _, dup := m[f.Name]; dup {
			panic(fmt.Sprintf("uapi: %s::%s registered twice", f.Module, f.Name))
		}
		m[f.Name] = f
	}
}

// Lookup returns a function; ok is false when the module or the function
// does not exist, and moduleFound tells which.
func (r *Registry) Lookup(module, name string) (f *Func, moduleFound bool) {
	m, ok := r.modules[module]
	if !ok {
		return nil, false
	}
	return m[name], true
}

// Modules returns the module names in order.
func (r *Registry) Modules() []string {
	names := make([]string, 0, len(r.modules))
	for n := range r.modules {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Funcs returns a module's functions ordered by name.
func (r *Registry) Funcs(module string) []*Func {
	m := r.modules[module]
	out := make([]*Func, 0, len(m))
	for _, f := range m {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// checkLogins panics on a Login parameter that is repeatable or pairs with
// a parameter that is not one of the function's Domain parameters.
func checkLogins(f *Func) {
	for i := range f.Params {
		p := &f.Params[i]
		if p.Type != Login {
			continue
		}
		d := p.loginRule().DomainParam
		if p.Multi || (d != "" && (f.params[d] == nil || f.params[d].Name != d || f.params[d].Type != Domain)) {
			panic(fmt.Sprintf("uapi: %s::%s: malformed login parameter %q", f.Module, f.Name, p.Name))
		}
	}
}
