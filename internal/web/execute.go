package web

import (
	"context"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// execute runs one function for acct through the engine, as every other
// transport does, and returns the result with its data turned into generic
// maps and slices that templates index by cPanel's field names.
func (ui *UI) execute(ctx context.Context, acct *hosting.Account, module, function string, args uapi.Args) *uapi.Result {
	res := ui.eng.Execute(ctx, uapi.Request{Account: acct, Module: module, Function: function,
		Args: args, Transport: "web"})
	data, err := uapi.Generic(res.Data)
	if err != nil {
		id := uapi.RequestID(ctx)
		ui.log.ErrorContext(ctx, "web: result data", "req_id", id, "account", acct.Name,
			"module", module, "function", function, "err", err)
		return &uapi.Result{Errors: []string{internalMessage(id)}, Metadata: map[string]any{}}
	}
	out := *res
	out.Data = data
	return &out
}

// executeFunc returns the template function execute for one request:
//
//	{{ $r := execute "Module" "function" (args "key" "value" …) }}
//
// It runs the function for the session's account (acct; nil on pages
// without a session, where execute always fails) and returns the result
// object. Any number of args values may follow the function name; their
// keys are merged. Only functions the registry declares ReadOnly may run: a
// page is a GET. (An unknown function reaches the engine, which answers
// that it does not exist, as to any transport.)
func (ui *UI) executeFunc(ctx context.Context, acct *hosting.Account) func(string, string, ...uapi.Args) (*uapi.Result, error) {
	return func(module, function string, args ...uapi.Args) (*uapi.Result, error) {
		if acct == nil {
			return nil, fmt.Errorf("web: execute %s::%s on a page without a session", module, function)
		}
		if f, _ := ui.eng.Registry().Lookup(module, function); f != nil && !f.ReadOnly {
			return nil, fmt.Errorf("web: execute %s::%s while rendering a page: changes are actions (POST forms)", module, function)
		}
		merged := uapi.Args{}
		for _, a := range args {
			for k, vs := range a {
				merged[k] = append(merged[k], vs...)
			}
		}
		return ui.execute(ctx, acct, module, function, merged), nil
	}
}

// argsFunc is the template function args: key/value pairs into the
// arguments of one call. Values may be any type and are formatted with
// fmt.Sprint; a key given twice gets both values, as a repeated form field.
//
//	{{ args "login" "all" }}
func argsFunc(kv ...any) (uapi.Args, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("web: args needs key/value pairs, got %d values", len(kv))
	}
	a := uapi.Args{}
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("web: args key %v is a %T, not a string", kv[i], kv[i])
		}
		a.Add(k, fmt.Sprint(kv[i+1]))
	}
	return a, nil
}

// internalMessage is what the user reads about a failure whose details only
// the log holds.
func internalMessage(id string) string {
	return fmt.Sprintf("An internal error occurred. The request id is %s; the server log has the details.", id)
}
