package uapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Request is one call as a transport hands it to the engine. The transport
// has already authenticated the caller and resolved exactly one account.
type Request struct {
	Account   *hosting.Account
	Module    string
	Function  string
	Args      Args
	Nested    bool   // Args came from a nested JSON object
	Transport string // "https", "cli", "web", "liveapi": for logs and metrics
}

// Observer is told about every finished call (metrics).
type Observer func(module, function string, status int, elapsed time.Duration)

// Engine executes requests against a registry.
type Engine struct {
	reg     *Registry
	log     *slog.Logger
	observe Observer
}

// NewEngine returns an engine over reg. log and observe may be nil.
func NewEngine(reg *Registry, log *slog.Logger, observe Observer) *Engine {
	if observe == nil {
		observe = func(string, string, int, time.Duration) {}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{reg: reg, log: log, observe: observe}
}

// Registry returns the engine's registry (for help and docs).
func (e *Engine) Registry() *Registry { return e.reg }

type requestIDKey struct{}

// WithRequestID returns a context carrying the transport's request id, which
// the engine puts into internal-error messages and logs.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id in ctx, or a new random one.
func RequestID(ctx context.Context) string {
	if id, ok := ctx.Value(requestIDKey{}).(string); ok && id != "" {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Execute runs one request and always returns a result object: every
// failure, including an unknown function, is reported in-band with status 0.
func (e *Engine) Execute(ctx context.Context, req Request) *Result {
	start := time.Now()
	res := e.execute(ctx, req)
	e.observe(req.Module, req.Function, res.Status, time.Since(start))
	return res
}

func (e *Engine) execute(ctx context.Context, req Request) *Result {
	res := newResult()
	fn, err := e.resolve(req)
	if err != nil {
		return res.fail(err.Error())
	}
	call, errs := e.bind(fn, req)
	if len(errs) > 0 {
		return res.fail(errs...)
	}
	data, err := e.invoke(ctx, fn, call)
	res.Messages, res.Warnings = call.messages, call.warnings
	if err != nil {
		return e.failure(ctx, req, res, err)
	}
	if u, ok := data.(unsuccessful); ok {
		data = u.data
		res.Status = 0
	}
	res.Data = data
	if isList(data) {
		res.Data = emptyListIfNil(data)
		postProcess(res, req.Args)
	}
	return res
}

// resolve finds the function and checks that the caller may run it.
func (e *Engine) resolve(req Request) (*Func, error) {
	if !identRE.MatchString(req.Function) {
		return nil, fmt.Errorf("Illegal function name: %s", req.Function)
	}
	fn, moduleFound := e.reg.Lookup(req.Module, req.Function)
	if !moduleFound {
		return nil, fmt.Errorf("The system could not find the module “%s”.", req.Module)
	}
	if fn == nil {
		return nil, fmt.Errorf("The system could not find the function “%s” in the module “%s”.", req.Function, req.Module)
	}
	if req.Account == nil {
		return nil, errors.New("The request has no authenticated account.")
	}
	if req.Account.Suspended {
		return nil, errors.New("This account is suspended.")
	}
	if fn.Feature != "" && !req.Account.HasFeature(fn.Feature) {
		return nil, fmt.Errorf("You do not have the feature “%s”.", fn.Feature)
	}
	if req.Nested && !fn.Nested {
		return nil, fmt.Errorf("%s::%s does not expect nested data structures.", fn.Module, fn.Name)
	}
	return fn, nil
}

// invoke runs the handler, turning a panic into an internal error so one bad
// request cannot take the daemon down.
func (e *Engine) invoke(ctx context.Context, fn *Func, call *Call) (data any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("uapi: panic in %s::%s: %v", fn.Module, fn.Name, p)
		}
	}()
	return fn.Handler(ctx, call)
}

// failure reports a handler error. Domain errors show their message;
// anything else is logged with the request id and shown only as that id.
func (e *Engine) failure(ctx context.Context, req Request, res *Result, err error) *Result {
	var de *DataError
	if errors.As(err, &de) {
		res.Data = de.Data
	}
	if hosting.ErrorCode(err) != hosting.EINTERNAL {
		return res.fail(hosting.ErrorMessage(err))
	}
	id := RequestID(ctx)
	e.log.ErrorContext(ctx, "uapi call failed", "req_id", id, "account", req.Account.Name,
		"module", req.Module, "function", req.Function, "proto", req.Transport, "err", err)
	return res.fail(fmt.Sprintf("An internal error occurred. The request id is %s; the server log has the details.", id))
}

// bind validates the raw arguments against the declaration and returns the
// call, or every problem found (each naming its parameter). Login
// parameters are resolved last, since they read the function's domain
// parameter, wherever it is declared.
func (e *Engine) bind(fn *Func, req Request) (*Call, []string) {
	c := &Call{Account: req.Account, Func: fn, raw: req.Args, values: make(map[string]string),
		logins: make(map[string]LoginName), lists: make(map[string][]string), given: make(map[string]bool)}
	var errs []string
	failed := make(map[string]bool)
	for i := range fn.Params {
		p := &fn.Params[i]
		if err := c.bindParam(p, req.Args); err != nil {
			errs = append(errs, err.Error())
			failed[p.Name] = true
		}
	}
	for i := range fn.Params {
		p := &fn.Params[i]
		if p.Type != Login || failed[p.Name] || !c.given[p.Name] {
			continue
		}
		// A bad domain parameter has its own error; reading the login
		// against it would only repeat it.
		domain := ""
		if rule := p.loginRule(); rule.DomainParam != "" {
			if failed[rule.DomainParam] {
				continue
			}
			domain = c.values[rule.DomainParam]
		}
		l, err := resolveLogin(c.Account, p, c.values[p.Name], domain)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		c.logins[p.Name] = l
	}
	return c, errs
}

func (c *Call) bindParam(p *Param, args Args) error {
	if p.Multi {
		return c.bindMulti(p, args)
	}
	raw, given := lookupArg(p, args)
	if given && (p.Type == Domain || p.Type == Login) && !p.Required && strings.TrimSpace(raw) == "" {
		// cPanel falls back to the primary domain for an empty domain too,
		// and an empty optional login filters nothing.
		given = false
	}
	if !given {
		if p.Required {
			return missing(p)
		}
		c.values[p.Name] = p.Default
		return nil
	}
	v, err := p.normalize(raw)
	if err != nil {
		return err
	}
	switch p.Type {
	case Domain:
		if !c.Account.OwnsDomain(v) {
			return invalidf("You do not own the domain “%s”.", v)
		}
	case RelPath:
		v = underHome(c.Account, raw, v)
	}
	c.values[p.Name], c.given[p.Name] = v, true
	return nil
}

func (c *Call) bindMulti(p *Param, args Args) error {
	var all []string
	for _, n := range append([]string{p.Name}, p.Aliases...) {
		vs, _ := args.multiValues(n)
		all = append(all, vs...)
	}
	if len(all) == 0 && p.Required {
		return missing(p)
	}
	for i, raw := range all {
		v, err := p.normalize(raw)
		if err != nil {
			return err
		}
		if p.Type == Domain && !c.Account.OwnsDomain(v) {
			return invalidf("You do not own the domain “%s”.", v)
		}
		all[i] = v
	}
	c.lists[p.Name], c.given[p.Name] = all, len(all) > 0
	return nil
}

// lookupArg finds a parameter under its name or an alias. A required
// parameter that arrives empty counts as missing, as in cPanel.
func lookupArg(p *Param, args Args) (string, bool) {
	for _, n := range append([]string{p.Name}, p.Aliases...) {
		if v, ok := args.First(n); ok {
			if p.Required && !p.AllowEmpty && strings.TrimSpace(v) == "" {
				return "", false
			}
			return v, true
		}
	}
	return "", false
}

func missing(p *Param) error {
	if p.Missing != "" {
		return invalidf("%s", p.Missing)
	}
	return invalidf("Provide the “%s” parameter.", p.Name)
}
