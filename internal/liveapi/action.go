package liveapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/uapid/uapid/internal/uapi"
)

// action is the JSON inside <cpanelaction>, as Cpanel::LiveAPI, LiveAPI
// PHP and cpanelgo write it. Nothing in it names an account: the socket's
// account is the only one a call can act for.
type action struct {
	Module     string          `json:"module"`
	Func       string          `json:"func"`
	ReqType    string          `json:"reqtype"`
	APIVersion json.RawMessage `json:"apiversion"` // "uapi", "3", 3, "2", 2, "1", 1
	Args       json.RawMessage `json:"args"`
}

// Messages of the errors a client can read in an answer.
const (
	msgOnlyUAPI = "uapid’s LiveAPI runs UAPI calls only: call the function with uapi() (cPanel API %s is not available)."
	msgTag      = "uapid’s LiveAPI runs UAPI calls only: cPanel tags and variables are not available."
	msgBadJSON  = "The LiveAPI request is not a JSON object."
	msgReqType  = "The LiveAPI request type “%s” is not available: UAPI calls use “exec”."
	msgArgs     = "The arguments of a UAPI call must be a JSON object of names and values."
)

// runAction answers one <cpanelaction>: a UAPI call runs through the
// engine for the socket's account; any other API gets an error in the
// shape its clients read.
func (k *Socket) runAction(ctx context.Context, body []byte) []byte {
	var a action
	if err := json.Unmarshal(body, &a); err != nil {
		return api1Error(action{}, msgBadJSON)
	}
	switch v := apiVersion(a.APIVersion); v {
	case "uapi", "3":
		if a.ReqType != "" && a.ReqType != "exec" {
			return k.encode(uapi.Wrap(a.Module, a.Func, failed(fmt.Sprintf(msgReqType, a.ReqType))))
		}
		return k.encode(uapi.Wrap(a.Module, a.Func, k.call(ctx, a)))
	case "2":
		return api2Error(a, fmt.Sprintf(msgOnlyUAPI, "2"))
	default:
		if v == "" {
			v = "1"
		}
		return api1Error(a, fmt.Sprintf(msgOnlyUAPI, v))
	}
}

// call runs a UAPI call through the engine, as every transport does.
func (k *Socket) call(ctx context.Context, a action) *uapi.Result {
	args, nested, err := decodeArgs(a.Args)
	if err != nil {
		return failed(err.Error())
	}
	return k.srv.eng.Execute(ctx, uapi.Request{Account: k.acct, Module: a.Module, Function: a.Func,
		Args: args, Nested: nested, Transport: "liveapi"})
}

// apiVersion reads apiversion as clients send it: Perl writes a number for
// api1/api2/api3 and the string "uapi" for uapi(), PHP and cpanelgo write
// strings.
func apiVersion(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strings.ToLower(strings.TrimSpace(s))
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		if i, err := strconv.Atoi(n.String()); err == nil {
			return strconv.Itoa(i)
		}
	}
	return ""
}

// decodeArgs turns args into the engine's arguments, as the HTTP API does
// with a JSON body. Absent, null and an empty list (PHP's empty array())
// mean no arguments.
func decodeArgs(raw json.RawMessage) (uapi.Args, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return uapi.Args{}, false, nil
	}
	switch raw[0] {
	case '{':
		return uapi.ArgsFromJSON(raw)
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err == nil && len(list) == 0 {
			return uapi.Args{}, false, nil
		}
	}
	return nil, false, errors.New(msgArgs)
}

// failed is a UAPI result that failed before the engine ran.
func failed(msg string) *uapi.Result {
	return &uapi.Result{Errors: []string{msg}, Metadata: map[string]any{}}
}

// encode writes the wrapped result as one line of JSON. json.Marshal
// escapes <, > and &, so no value can contain "</cpanelresult>" and end
// the answer early; the generic tree sorts the keys as cPanel does.
func (k *Socket) encode(w *uapi.Wrapped) []byte {
	tree, err := uapi.Generic(w)
	if err == nil {
		var b []byte
		if b, err = json.Marshal(tree); err == nil {
			return b
		}
	}
	id := uapi.RequestID(k.ctx)
	k.srv.log.Error("liveapi: encode result", "req_id", id, "account", k.acct.Name,
		"module", w.Module, "function", w.Func, "proto", "liveapi", "err", err)
	b, _ := json.Marshal(uapi.Wrap(w.Module, w.Func, failed(
		"An internal error occurred. The request id is "+id+"; the server log has the details.")))
	return b
}

// api2Error is an API 2 failure: Perl and PHP return it as it is (it
// starts with "cpanelresult"), and cpanelgo reads the top-level error.
func api2Error(a action, msg string) []byte {
	b, _ := json.Marshal(map[string]any{
		"cpanelresult": map[string]any{
			"apiversion": 2, "module": a.Module, "func": a.Func, "data": []any{},
			"error": msg, "event": map[string]any{"result": 0, "reason": msg},
		},
		"error": msg,
	})
	return b
}

// api1Error is an API 1 failure, also the answer to cPanel tags: a bare
// event, which Perl and PHP put under "cpanelresult" themselves and
// cpanelgo reads at the top.
func api1Error(a action, msg string) []byte {
	b, _ := json.Marshal(map[string]any{
		"apiversion": "1", "type": "event", "source": "module", "module": a.Module, "func": a.Func,
		"data": map[string]any{"result": ""}, "error": msg, "event": map[string]any{"result": 0, "reason": msg},
	})
	return b
}
