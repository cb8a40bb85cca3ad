package uapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Args are the raw arguments of one call as the transport received them: each
// key with its values in arrival order. Every transport produces Args; only
// the engine interprets them.
type Args map[string][]string

// Add appends a value to key.
func (a Args) Add(key, value string) { a[key] = append(a[key], value) }

// First returns the first value of key and whether the key was present.
func (a Args) First(key string) (string, bool) {
	vs, ok := a[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// ArgsFromValues copies URL query or form values.
func ArgsFromValues(v url.Values) Args {
	a := make(Args, len(v))
	for k, vs := range v {
		a[k] = append([]string(nil), vs...)
	}
	return a
}

// ArgsFromCLI decodes `key=value` words as the uapi command line takes them:
// both sides URI-decoded. A word without "=" is a key with an empty value.
func ArgsFromCLI(words []string) (Args, error) {
	a := make(Args, len(words))
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("argument %q: bad URI encoding in the key: %w", w, err)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("argument %q: bad URI encoding in the value: %w", w, err)
		}
		if key == "" {
			return nil, fmt.Errorf("argument %q has no key", w)
		}
		a.Add(key, val)
	}
	return a, nil
}

// ArgsFromJSON decodes a JSON object body. Scalars become strings (true and
// false become 1 and 0), arrays of scalars become repeated values, and nested
// objects are flattened into dotted keys ("services.ftp.enabled"); nested
// reports whether there were any, since only some functions accept them.
func ArgsFromJSON(body []byte) (a Args, nested bool, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, false, fmt.Errorf("the request body is not a JSON object: %w", err)
	}
	// "null" decodes into a nil map without error, and Decode stops after
	// the first value: refuse both rather than run with partial arguments.
	if obj == nil {
		return nil, false, errors.New("the request body is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false, errors.New("the request body has data after the JSON object")
	}
	a = make(Args, len(obj))
	if err := flattenJSON(a, "", obj, &nested); err != nil {
		return nil, false, err
	}
	return a, nested, nil
}

func flattenJSON(a Args, prefix string, obj map[string]any, nested *bool) error {
	// Sorted, so that "a.b" and {"a":{"b":…}} in one body always collect
	// in the same order.
	for _, k := range sortedKeys(obj) {
		key, v := prefix+k, obj[k]
		switch v := v.(type) {
		case map[string]any:
			*nested = true
			if err := flattenJSON(a, key+".", v, nested); err != nil {
				return err
			}
		case []any:
			for _, item := range v {
				s, err := jsonScalar(key, item)
				if err != nil {
					return err
				}
				a.Add(key, s)
			}
		default:
			s, err := jsonScalar(key, v)
			if err != nil {
				return err
			}
			a.Add(key, s)
		}
	}
	return nil
}

func jsonScalar(key string, v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		if v {
			return "1", nil
		}
		return "0", nil
	}
	return "", fmt.Errorf("the value of %q is nested too deeply", key)
}

// multiValues collects a repeated parameter: every value of the bare name,
// then name-N keys in numeric order (cPanel's `command-0=… command-1=…`).
func (a Args) multiValues(name string) ([]string, bool) {
	out := append([]string(nil), a[name]...)
	found := len(a[name]) > 0
	type numbered struct {
		n   int
		key string
		vs  []string
	}
	var extra []numbered
	for k, vs := range a {
		suffix, ok := strings.CutPrefix(k, name+"-")
		if !ok {
			continue
		}
		if n, err := strconv.Atoi(suffix); err == nil && n >= 0 {
			extra = append(extra, numbered{n, k, vs})
		}
	}
	// Keys like name-1 and name-01 share a number; break the tie by key so
	// the order never depends on map iteration.
	sort.Slice(extra, func(i, j int) bool {
		if extra[i].n != extra[j].n {
			return extra[i].n < extra[j].n
		}
		return extra[i].key < extra[j].key
	})
	for _, e := range extra {
		out = append(out, e.vs...)
		found = true
	}
	return out, found
}
