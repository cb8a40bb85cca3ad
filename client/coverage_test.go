package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/client"
	"github.com/uapid/uapid/internal/catalog"
)

// notExposed lists the declared parameters typed methods deliberately do
// not send, with the reason.
var notExposed = map[string]string{
	"UserManager::create_user type": "its only value is sub, the default",
	"UserManager::edit_user type":   "its only value is sub, the default",
}

// recorded is one request a typed method sent.
type recorded struct {
	module, function string
	keys             []string
}

// recorder is an HTTP server that answers every call with an empty success
// and remembers what it was asked.
type recorder struct {
	mu    sync.Mutex
	calls []recorded
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/execute/"), "/")
	if err := r.ParseForm(); err != nil || len(parts) != 2 || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	var keys []string
	for k := range r.PostForm {
		keys = append(keys, k)
	}
	rec.mu.Lock()
	rec.calls = append(rec.calls, recorded{parts[0], parts[1], keys})
	rec.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"data":null,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`))
}

func (rec *recorder) take() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.calls
	rec.calls = nil
	return out
}

// TestEveryFunctionHasATypedMethod calls every method of every module type
// with every argument set and checks that together they call each function
// the registry declares, send only declared parameters, and can send every
// declared parameter.
func TestEveryFunctionHasATypedMethod(t *testing.T) {
	t.Parallel()
	rec := &recorder{}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	c, err := client.New(srv.URL, client.WithBasicAuth("u", "p"))
	must(t, err)
	sent := map[string]map[string]bool{} // "Module::function" → parameters sent
	for _, mod := range []any{c.Ftp(), c.Tokens(), c.Email(), c.WebDisk(), c.UserManager()} {
		v := reflect.ValueOf(mod)
		for i := range v.NumMethod() {
			name := v.Type().Method(i).Name
			v.Method(i).Call(fillArgs(v.Method(i).Type()))
			calls := rec.take()
			if len(calls) != 1 {
				t.Errorf("%T.%s sent %d requests, want 1", mod, name, len(calls))
				continue
			}
			key := calls[0].module + "::" + calls[0].function
			if sent[key] == nil {
				sent[key] = map[string]bool{}
			}
			for _, k := range calls[0].keys {
				sent[key][k] = true
			}
		}
	}
	checkAgainstRegistry(t, sent)
}

// errorer is the part of testing.T the registry check reports through.
type errorer interface {
	Errorf(format string, args ...any)
}

func checkAgainstRegistry(t errorer, sent map[string]map[string]bool) {
	reg := catalog.Registry(catalog.Deps{})
	declared := map[string]bool{}
	for _, m := range reg.Modules() {
		for _, f := range reg.Funcs(m) {
			key := m + "::" + f.Name
			declared[key] = true
			keys, ok := sent[key]
			if !ok {
				t.Errorf("%s has no typed method", key)
				continue
			}
			for k := range keys {
				if f.Param(k) == nil {
					t.Errorf("%s: a typed method sends %q, which it does not declare", key, k)
				}
			}
			for _, p := range f.Params {
				if !keys[p.Name] && notExposed[key+" "+p.Name] == "" {
					t.Errorf("%s: no typed method can send %q", key, p.Name)
				}
			}
		}
	}
	for key := range sent {
		if !declared[key] {
			t.Errorf("a typed method calls %s, which uapid does not register", key)
		}
	}
}

// fillArgs returns arguments for a method: a context and every other
// value set to something not zero.
func fillArgs(ft reflect.Type) []reflect.Value {
	args := make([]reflect.Value, ft.NumIn())
	for i := range args {
		if ft.In(i) == reflect.TypeFor[context.Context]() {
			args[i] = reflect.ValueOf(context.Background())
			continue
		}
		args[i] = reflect.New(ft.In(i)).Elem()
		fill(args[i])
	}
	return args
}

// fill sets v, recursively, to a value that is not zero.
func fill(v reflect.Value) {
	switch {
	case v.Type() == reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Unix(2_000_000_000, 0)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(1)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	default:
		panic("fill: unexpected kind " + v.Kind().String())
	}
}

// collector records the errors of a check under test.
type collector struct{ errors []string }

func (c *collector) Errorf(format string, args ...any) {
	c.errors = append(c.errors, fmt.Sprintf(format, args...))
}

// TestCoverageCheckFails makes sure the check above is not vacuous: a
// function without a method, an undeclared parameter and a call to a
// function uapid lacks are all reported.
func TestCoverageCheckFails(t *testing.T) {
	t.Parallel()
	var got collector
	checkAgainstRegistry(&got, map[string]map[string]bool{"Ftp::made_up": {}, "Ftp::get_port": {"bogus": true}})
	for _, want := range []string{"Ftp::add_ftp has no typed method", "Ftp::get_port: a typed method sends \"bogus\", which it does not declare",
		"a typed method calls Ftp::made_up, which uapid does not register"} {
		if !slices.Contains(got.errors, want) {
			t.Errorf("the check did not report %q; it reported %q", want, got.errors)
		}
	}
}
