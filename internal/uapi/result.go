package uapi

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// Result is cPanel's UAPI result object. Over HTTP it is the whole body; the
// command line wraps it (see Wrapped). Fields are declared in alphabetical
// order because cPanel emits canonical (sorted) JSON.
type Result struct {
	Data     any            `json:"data"`
	Errors   []string       `json:"errors"`   // nil encodes as null, never []
	Messages []string       `json:"messages"` // nil encodes as null
	Metadata map[string]any `json:"metadata"` // never nil: {} when empty
	Status   int            `json:"status"`
	Warnings []string       `json:"warnings"` // nil encodes as null
}

// newResult returns a successful result with empty metadata.
func newResult() *Result {
	return &Result{Status: 1, Metadata: map[string]any{}}
}

// fail turns r into a failure carrying msgs.
func (r *Result) fail(msgs ...string) *Result {
	r.Status = 0
	r.Errors = append(r.Errors, msgs...)
	return r
}

// Wrapped is the form the uapi command line prints (and WHM's uapi_cpanel
// returns): the result inside apiversion, func and module.
type Wrapped struct {
	APIVersion int     `json:"apiversion"`
	Func       string  `json:"func"`
	Module     string  `json:"module"`
	Result     *Result `json:"result"`
}

// Wrap returns the wrapped form of a result.
func Wrap(module, function string, r *Result) *Wrapped {
	return &Wrapped{APIVersion: 3, Func: function, Module: module, Result: r}
}

// isList reports whether v is a slice or array (other than bytes): the data
// shape that gets metadata.transformed and the api.* post-processing.
func isList(v any) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	k := rv.Kind()
	return (k == reflect.Slice || k == reflect.Array) && rv.Type().Elem().Kind() != reflect.Uint8
}

// emptyListIfNil turns a nil slice into an empty one so a list function with
// nothing to list answers [] rather than null.
func emptyListIfNil(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Slice && rv.IsNil() {
		return []any{}
	}
	return v
}

// Generic converts typed data into the generic tree (maps, slices,
// json.Number, strings, bools, nil) that post-processing and the YAML and
// XML writers work on. JSON tags decide the field names, as for JSON output.
func Generic(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return out, nil
}
