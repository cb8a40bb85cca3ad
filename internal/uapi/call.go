package uapi

import (
	"sort"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// Call is what a handler sees: the calling account and the validated
// arguments under their canonical names, defaults applied.
type Call struct {
	Account *hosting.Account
	Func    *Func

	values   map[string]string
	logins   map[string]LoginName
	lists    map[string][]string
	given    map[string]bool
	raw      Args
	messages []string
	warnings []string
}

// String returns the normalised value of a declared parameter ("" if absent
// and without default).
func (c *Call) String(name string) string { return c.values[name] }

// Int returns an Int, UnixTime, QuotaMB or Bool parameter as a number.
func (c *Call) Int(name string) int64 {
	n, _ := strconv.ParseInt(c.values[name], 10, 64)
	return n
}

// Bool returns a Bool parameter.
func (c *Call) Bool(name string) bool { return c.values[name] == "1" }

// Login returns a Login parameter resolved to one login of the account:
// the engine has split user@domain, checked the domain against the
// account's domains and the function's domain parameter, and filled in the
// primary domain for a bare user name. It is the zero LoginName when an
// optional Login parameter was not given.
func (c *Call) Login(name string) LoginName { return c.logins[name] }

// Path returns a RelPath parameter, a clean path below the home directory
// ("" is the home itself), and whether the caller gave a value that is not
// blank ("" and false otherwise): handlers apply their own default to an
// absent or blank path.
func (c *Call) Path(name string) (string, bool) {
	p := c.Func.Param(name)
	if p == nil || !c.given[p.Name] {
		return c.values[name], false
	}
	if raw, _ := lookupArg(p, c.raw); strings.TrimSpace(raw) == "" {
		return "", false
	}
	return c.values[p.Name], true
}

// Has reports whether the caller supplied the parameter (under any alias),
// as opposed to it taking its default.
func (c *Call) Has(name string) bool { return c.given[name] }

// List returns the values of a Multi parameter in order.
func (c *Call) List(name string) []string { return c.lists[name] }

// Raw returns the undeclared argument key as sent, for functions that
// document free-form keys.
func (c *Call) Raw(key string) (string, bool) { return c.raw.First(key) }

// Prefixed returns every supplied argument whose key starts with prefix,
// keyed by the rest of the key, for dotted families like "services.".
func (c *Call) Prefixed(prefix string) map[string]string {
	out := make(map[string]string)
	for k := range c.raw {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			v, _ := c.raw.First(k)
			if p := c.Func.Param(k); p != nil {
				v = c.values[p.Name]
			}
			out[rest] = v
		}
	}
	return out
}

// AddMessage adds an informational note to the result's messages.
func (c *Call) AddMessage(m string) { c.messages = append(c.messages, m) }

// AddWarning adds a non-fatal problem to the result's warnings.
func (c *Call) AddWarning(w string) { c.warnings = append(c.warnings, w) }

// Domain returns a Domain parameter, which the engine has already checked
// the account owns, or the primary domain when it was not given.
func (c *Call) Domain(name string) string {
	if d := c.values[name]; d != "" {
		return d
	}
	return c.Account.Domain
}

// sortedKeys is used by tests and docs that need a stable order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
