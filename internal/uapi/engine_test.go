package uapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// mustAccount returns an account owning two domains with every feature.
func mustAccount(tb testing.TB) *hosting.Account {
	tb.Helper()
	return &hosting.Account{
		ID: 1, Name: "cpuser", Domain: "example.com",
		Domains:  []string{"example.com", "example.net"},
		HomeDir:  "/home/cpuser",
		Features: hosting.AllFeatures(),
	}
}

// mustEngine returns an engine over funcs that logs into log (may be nil).
func mustEngine(tb testing.TB, log *bytes.Buffer, funcs ...*Func) *Engine {
	tb.Helper()
	reg := NewRegistry()
	reg.Add(funcs...)
	var logger *slog.Logger
	if log != nil {
		logger = slog.New(slog.NewTextHandler(log, nil))
	}
	return NewEngine(reg, logger, nil)
}

// mustCLI decodes key=value words or fails the test.
func mustCLI(tb testing.TB, words ...string) Args {
	tb.Helper()
	a, err := ArgsFromCLI(words)
	if err != nil {
		tb.Fatalf("ArgsFromCLI(%q): %v", words, err)
	}
	return a
}

// echoFunc declares Test::echo with params; its handler returns what the
// handler sees for the first parameter: its value, or its list when Multi.
func echoFunc(params ...Param) *Func {
	return &Func{Module: "Test", Name: "echo", Params: params,
		Handler: func(_ context.Context, c *Call) (any, error) {
			p := c.Func.Params[0]
			if p.Multi {
				return map[string]any{"list": c.List(p.Name), "has": c.Has(p.Name)}, nil
			}
			return map[string]any{"value": c.String(p.Name), "has": c.Has(p.Name)}, nil
		}}
}

func run(tb testing.TB, e *Engine, module, function string, args Args) *Result {
	tb.Helper()
	return e.Execute(context.Background(), Request{Account: mustAccount(tb), Module: module, Function: function, Args: args})
}

// wantFailure checks a status-0 result with exactly the given errors.
func wantFailure(tb testing.TB, res *Result, errs ...string) {
	tb.Helper()
	if res.Status != 0 || !reflect.DeepEqual(res.Errors, errs) {
		tb.Fatalf("got status %d errors %q, want status 0 errors %q", res.Status, res.Errors, errs)
	}
}

func TestBindTypes(t *testing.T) {
	t.Parallel()
	errCheck := func(v string) error {
		if v == "forbidden" {
			return invalidf("The value “forbidden” is reserved.")
		}
		return nil
	}
	tests := []struct {
		name    string
		param   Param
		arg     string
		want    string
		wantErr string
	}{
		{"string", Param{Name: "p"}, "a b ☃", "a b ☃", ""},
		{"string too long", Param{Name: "p", MaxLen: 3}, "abcd", "", "The “p” parameter must be at most 3 characters long."},
		{"string check", Param{Name: "p", Check: errCheck}, "forbidden", "", "The value “forbidden” is reserved."},
		{"int", Param{Name: "p", Type: Int}, " +42 ", "42", ""},
		{"int negative", Param{Name: "p", Type: Int}, "-3", "-3", ""},
		{"int bad", Param{Name: "p", Type: Int}, "4x", "", "The “p” parameter must be an integer, not “4x”."},
		{"unix time", Param{Name: "p", Type: UnixTime}, "1700000000", "1700000000", ""},
		{"unix time negative", Param{Name: "p", Type: UnixTime}, "-1", "", "The “p” parameter must be a Unix time (a non-negative integer), not “-1”."},
		{"bool 1", Param{Name: "p", Type: Bool}, "1", "1", ""},
		{"bool true", Param{Name: "p", Type: Bool}, "TRUE", "1", ""},
		{"bool yes", Param{Name: "p", Type: Bool}, "yes", "1", ""},
		{"bool on", Param{Name: "p", Type: Bool}, "on", "1", ""},
		{"bool 0", Param{Name: "p", Type: Bool}, "0", "0", ""},
		{"bool false", Param{Name: "p", Type: Bool}, "false", "0", ""},
		{"bool no", Param{Name: "p", Type: Bool}, "No", "0", ""},
		{"bool off", Param{Name: "p", Type: Bool}, "off", "0", ""},
		{"bool empty", Param{Name: "p", Type: Bool}, "", "0", ""},
		{"bool bad", Param{Name: "p", Type: Bool}, "maybe", "", "The “p” parameter must be 1 or 0, not “maybe”."},
		{"enum", Param{Name: "p", Type: Enum, Values: []string{"sub", "main"}}, "main", "main", ""},
		{"enum bad", Param{Name: "p", Type: Enum, Values: []string{"sub", "main"}}, "Main", "", "The “p” parameter must be one of: sub, main."},
		{"domain owned", Param{Name: "p", Type: Domain}, " Example.NET. ", "example.net", ""},
		{"domain not owned", Param{Name: "p", Type: Domain}, "example.org", "", "You do not own the domain “example.org”."},
		{"domain malformed", Param{Name: "p", Type: Domain}, "exa_mple.com", "", "The “p” parameter must be a valid domain name, not “exa_mple.com”."},
		{"username", Param{Name: "p", Type: Username}, "bob.smith_2-x", "bob.smith_2-x", ""},
		{"username bad", Param{Name: "p", Type: Username}, "bob smith", "", "The “p” parameter may contain only letters, digits, periods, hyphens and underscores, at most 64 characters."},
		{"username too long", Param{Name: "p", Type: Username}, strings.Repeat("a", 65), "", "The “p” parameter may contain only letters, digits, periods, hyphens and underscores, at most 64 characters."},
		{"relpath", Param{Name: "p", Type: RelPath}, "public_html/./bob/", "public_html/bob", ""},
		{"relpath dotdot", Param{Name: "p", Type: RelPath}, "a/../../b", "a/b", ""},
		{"relpath escape", Param{Name: "p", Type: RelPath}, "../../etc/passwd", "etc/passwd", ""},
		{"relpath absolute", Param{Name: "p", Type: RelPath}, "/etc", "etc", ""},
		{"relpath backslash", Param{Name: "p", Type: RelPath}, `..\..\x`, "x", ""},
		{"relpath home", Param{Name: "p", Type: RelPath}, "/", "", ""},
		{"relpath NUL", Param{Name: "p", Type: RelPath}, "a\x00b", "", "The “p” parameter must not contain a NUL character."},
		{"email", Param{Name: "p", Type: Email}, "bob@example.com", "bob@example.com", ""},
		{"email bad", Param{Name: "p", Type: Email}, "Bob <bob@example.com>", "", "The “p” parameter must be a valid email address, not “Bob <bob@example.com>”."},
		{"quota number", Param{Name: "p", Type: QuotaMB}, "250", "250", ""},
		{"quota rounded", Param{Name: "p", Type: QuotaMB}, "1.6", "2", ""},
		{"quota unlimited", Param{Name: "p", Type: QuotaMB}, "unlimited", "0", ""},
		{"quota Unlimited", Param{Name: "p", Type: QuotaMB}, " UNLIMITED ", "0", ""},
		{"quota empty", Param{Name: "p", Type: QuotaMB}, "", "0", ""},
		{"quota negative", Param{Name: "p", Type: QuotaMB}, "-1", "", "The quota must be a number or “unlimited”."},
		{"quota NaN", Param{Name: "p", Type: QuotaMB}, "NaN", "", "The quota must be a number or “unlimited”."},
		{"quota text", Param{Name: "p", Type: QuotaMB}, "lots", "", "The quota must be a number or “unlimited”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEngine(t, nil, echoFunc(tt.param))
			res := run(t, e, "Test", "echo", Args{"p": {tt.arg}})
			if tt.wantErr != "" {
				wantFailure(t, res, tt.wantErr)
				return
			}
			got := res.Data.(map[string]any)
			if res.Status != 1 || got["value"] != tt.want || got["has"] != true {
				t.Fatalf("got status %d data %v errors %q, want value %q", res.Status, got, res.Errors, tt.want)
			}
		})
	}
}

func TestBindPresence(t *testing.T) {
	t.Parallel()
	user := Param{Name: "user", Aliases: []string{"login"}, Required: true}
	tests := []struct {
		name     string
		param    Param
		args     Args
		want     string
		wantHas  bool
		wantErrs []string
	}{
		{"canonical name", user, Args{"user": {"bob"}}, "bob", true, nil},
		{"alias", user, Args{"login": {"bob"}}, "bob", true, nil},
		{"name before alias", user, Args{"login": {"alias"}, "user": {"name"}}, "name", true, nil},
		{"first of repeated values", user, Args{"user": {"a", "b"}}, "a", true, nil},
		{"missing", user, Args{}, "", false, []string{"Provide the “user” parameter."}},
		{"empty counts as missing", user, Args{"user": {"  "}}, "", false, []string{"Provide the “user” parameter."}},
		{"missing with cPanel text", Param{Name: "user", Required: true, Missing: "You must specify a user name."},
			Args{}, "", false, []string{"You must specify a user name."}},
		{"allow empty", Param{Name: "message", Required: true, AllowEmpty: true}, Args{"message": {""}}, "", true, nil},
		{"allow empty still required", Param{Name: "message", Required: true, AllowEmpty: true, Missing: "You must specify a message."},
			Args{}, "", false, []string{"You must specify a message."}},
		{"default", Param{Name: "destroy", Type: Bool, Default: "0"}, Args{}, "0", false, nil},
		{"given overrides default", Param{Name: "destroy", Type: Bool, Default: "0"}, Args{"destroy": {"yes"}}, "1", true, nil},
		{"empty optional domain is the default", Param{Name: "domain", Type: Domain}, Args{"domain": {""}}, "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, mustEngine(t, nil, echoFunc(tt.param)), "Test", "echo", tt.args)
			if tt.wantErrs != nil {
				wantFailure(t, res, tt.wantErrs...)
				return
			}
			got := res.Data.(map[string]any)
			if res.Status != 1 || got["value"] != tt.want || got["has"] != tt.wantHas {
				t.Fatalf("got status %d data %v errors %q, want value %q has %v", res.Status, got, res.Errors, tt.want, tt.wantHas)
			}
		})
	}
}

func TestBindReportsEveryProblem(t *testing.T) {
	t.Parallel()
	f := echoFunc(Param{Name: "user", Required: true}, Param{Name: "quota", Type: QuotaMB}, Param{Name: "pass", Required: true})
	res := run(t, mustEngine(t, nil, f), "Test", "echo", Args{"quota": {"x"}})
	wantFailure(t, res, "Provide the “user” parameter.", "The quota must be a number or “unlimited”.", "Provide the “pass” parameter.")
	if res.Data != nil {
		t.Errorf("data = %v, want null", res.Data)
	}
}

func TestCallDomainDefaultsToPrimary(t *testing.T) {
	t.Parallel()
	f := &Func{Module: "Test", Name: "dom", Params: []Param{{Name: "domain", Type: Domain}},
		Handler: func(_ context.Context, c *Call) (any, error) { return c.Domain("domain"), nil }}
	e := mustEngine(t, nil, f)
	for _, tt := range []struct {
		name string
		args Args
		want string
	}{
		{"absent", Args{}, "example.com"},
		{"empty", Args{"domain": {""}}, "example.com"},
		{"given", Args{"domain": {"EXAMPLE.net"}}, "example.net"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if res := run(t, e, "Test", "dom", tt.args); res.Data != tt.want {
				t.Fatalf("data = %v (errors %q), want %q", res.Data, res.Errors, tt.want)
			}
		})
	}
}

func TestBindMulti(t *testing.T) {
	t.Parallel()
	command := Param{Name: "command", Aliases: []string{"cmd"}, Multi: true}
	tests := []struct {
		name    string
		param   Param
		words   []string
		want    []string
		wantErr string
	}{
		{"numbered in numeric order", command,
			[]string{"command-10=j", "command-2=b", "command-1=a", "command-0=zero"}, []string{"zero", "a", "b", "j"}, ""},
		{"bare name first", command, []string{"command-1=b", "command=a"}, []string{"a", "b"}, ""},
		{"repeated key keeps order", command, []string{"command=x", "command=y", "command=z"}, []string{"x", "y", "z"}, ""},
		{"repeated numbered key", command, []string{"command-1=b", "command-1=c", "command=a"}, []string{"a", "b", "c"}, ""},
		{"alias after name", command, []string{"cmd-1=c", "command=a", "cmd=b"}, []string{"a", "b", "c"}, ""},
		{"non-numeric suffix ignored", command, []string{"command-x=no", "command=a"}, []string{"a"}, ""},
		{"none", command, nil, nil, ""},
		{"required none", Param{Name: "command", Multi: true, Required: true}, nil, nil, "Provide the “command” parameter."},
		{"values validated", Param{Name: "n", Type: Int, Multi: true}, []string{"n-1=1", "n-2=x"}, nil, "The “n” parameter must be an integer, not “x”."},
		{"domains owned", Param{Name: "d", Type: Domain, Multi: true}, []string{"d-1=example.com", "d-2=Example.NET"}, []string{"example.com", "example.net"}, ""},
		{"domain not owned", Param{Name: "d", Type: Domain, Multi: true}, []string{"d-1=example.com", "d-2=evil.org"}, nil, "You do not own the domain “evil.org”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, mustEngine(t, nil, echoFunc(tt.param)), "Test", "echo", mustCLI(t, tt.words...))
			if tt.wantErr != "" {
				wantFailure(t, res, tt.wantErr)
				return
			}
			got := res.Data.(map[string]any)
			if list, _ := got["list"].([]string); !reflect.DeepEqual(list, tt.want) || got["has"] != (len(tt.want) > 0) {
				t.Fatalf("got %v (errors %q), want list %q", got, res.Errors, tt.want)
			}
		})
	}
}

func TestResolveFailures(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, *Call) (any, error) { return "ok", nil }
	e := mustEngine(t, nil,
		&Func{Module: "Ftp", Name: "list_ftp", Handler: ok},
		&Func{Module: "Ftp", Name: "add_ftp", Feature: hosting.FeatureFTPAccounts, Handler: ok},
		&Func{Module: "UserManager", Name: "edit_user", Nested: true, Handler: ok})
	noFeatures := mustAccount(t)
	noFeatures.Features = nil
	suspended := mustAccount(t)
	suspended.Suspended = true
	tests := []struct {
		name    string
		req     Request
		wantErr string
	}{
		{"unknown module", Request{Module: "Nope", Function: "list_ftp"}, "The system could not find the module “Nope”."},
		{"unknown function", Request{Module: "Ftp", Function: "nope"}, "The system could not find the function “nope” in the module “Ftp”."},
		{"case-sensitive module", Request{Module: "ftp", Function: "list_ftp"}, "The system could not find the module “ftp”."},
		{"illegal function name", Request{Module: "Ftp", Function: "list-ftp"}, "Illegal function name: list-ftp"},
		{"empty function name", Request{Module: "Ftp", Function: ""}, "Illegal function name: "},
		{"no account", Request{Module: "Ftp", Function: "list_ftp", Account: nil}, "The request has no authenticated account."},
		{"suspended", Request{Module: "Ftp", Function: "list_ftp", Account: suspended}, "This account is suspended."},
		{"feature gate", Request{Module: "Ftp", Function: "add_ftp", Account: noFeatures}, "You do not have the feature “ftpaccts”."},
		{"nested refused", Request{Module: "Ftp", Function: "list_ftp", Nested: true}, "Ftp::list_ftp does not expect nested data structures."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.req.Account == nil && tt.name != "no account" {
				tt.req.Account = mustAccount(t)
			}
			res := e.Execute(context.Background(), tt.req)
			wantFailure(t, res, tt.wantErr)
			if res.Data != nil || len(res.Metadata) != 0 {
				t.Errorf("data %v metadata %v, want null and {}", res.Data, res.Metadata)
			}
		})
	}
	t.Run("nested accepted when declared", func(t *testing.T) {
		t.Parallel()
		res := e.Execute(context.Background(), Request{Account: mustAccount(t), Module: "UserManager", Function: "edit_user", Nested: true})
		if res.Status != 1 {
			t.Fatalf("status 0: %q", res.Errors)
		}
	})
	t.Run("feature granted", func(t *testing.T) {
		t.Parallel()
		if res := run(t, e, "Ftp", "add_ftp", nil); res.Status != 1 {
			t.Fatalf("status 0: %q", res.Errors)
		}
	})
}

func TestHandlerOutcomes(t *testing.T) {
	t.Parallel()
	type entry struct {
		User string `json:"user"`
	}
	tests := []struct {
		name    string
		handler Handler
		want    string // the result as JSON
	}{
		{"null data", func(context.Context, *Call) (any, error) { return nil, nil },
			`{"data":null,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`},
		{"object data is not transformed", func(context.Context, *Call) (any, error) { return map[string]int{"port": 21}, nil },
			`{"data":{"port":21},"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`},
		{"list is transformed", func(context.Context, *Call) (any, error) { return []entry{{"bob"}}, nil },
			`{"data":[{"user":"bob"}],"errors":null,"messages":null,"metadata":{"transformed":1},"status":1,"warnings":null}`},
		{"nil list becomes []", func(context.Context, *Call) (any, error) { return []entry(nil), nil },
			`{"data":[],"errors":null,"messages":null,"metadata":{"transformed":1},"status":1,"warnings":null}`},
		{"messages and warnings", func(_ context.Context, c *Call) (any, error) {
			c.AddMessage("Failed to mkdir: exists")
			c.AddWarning("Careful.")
			return nil, nil
		}, `{"data":null,"errors":null,"messages":["Failed to mkdir: exists"],"metadata":{},"status":1,"warnings":["Careful."]}`},
		{"unsuccessful", func(context.Context, *Call) (any, error) { return Unsuccessful(map[string]int{"allows": 0}), nil },
			`{"data":{"allows":0},"errors":null,"messages":null,"metadata":{},"status":0,"warnings":null}`},
		{"domain error", func(context.Context, *Call) (any, error) {
			return nil, fmt.Errorf("ftp: %w", hosting.Errorf(hosting.ENOTFOUND, "The FTP account “bob” does not exist."))
		}, `{"data":null,"errors":["The FTP account “bob” does not exist."],"messages":null,"metadata":{},"status":0,"warnings":null}`},
		{"data error", func(context.Context, *Call) (any, error) {
			return nil, &DataError{Err: hosting.Errorf(hosting.ECONFLICT, "The account exists."), Data: map[string]string{"type": "AlreadyExists"}}
		}, `{"data":{"type":"AlreadyExists"},"errors":["The account exists."],"messages":null,"metadata":{},"status":0,"warnings":null}`},
		{"internal error", func(context.Context, *Call) (any, error) { return nil, errors.New("disk on fire") },
			`{"data":null,"errors":["An internal error occurred. The request id is req-42; the server log has the details."],"messages":null,"metadata":{},"status":0,"warnings":null}`},
		{"panic", func(context.Context, *Call) (any, error) { panic("boom") },
			`{"data":null,"errors":["An internal error occurred. The request id is req-42; the server log has the details."],"messages":null,"metadata":{},"status":0,"warnings":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log bytes.Buffer
			e := mustEngine(t, &log, &Func{Module: "Test", Name: "f", Handler: tt.handler})
			ctx := WithRequestID(context.Background(), "req-42")
			res := e.Execute(ctx, Request{Account: mustAccount(t), Module: "Test", Function: "f"})
			var got bytes.Buffer
			if err := WriteResult(&got, res); err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(got.String()) != tt.want {
				t.Fatalf("got  %s\nwant %s", got.String(), tt.want)
			}
			if strings.Contains(tt.want, "internal error") && !strings.Contains(log.String(), "req_id=req-42") {
				t.Errorf("log lacks the request id: %s", log.String())
			}
		})
	}
}

func TestInternalErrorDetailsStayInTheLog(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	e := mustEngine(t, &log, &Func{Module: "Test", Name: "f",
		Handler: func(context.Context, *Call) (any, error) { panic("secret path /etc/shadow") }})
	res := e.Execute(context.Background(), Request{Account: mustAccount(t), Module: "Test", Function: "f"})
	if strings.Contains(strings.Join(res.Errors, " "), "shadow") {
		t.Fatalf("panic text reached the caller: %q", res.Errors)
	}
	if !strings.Contains(log.String(), "secret path") {
		t.Fatalf("panic text missing from the log: %s", log.String())
	}
	// Without a request id in the context the engine makes one up and uses
	// the same one in the message and the log.
	id := strings.TrimSuffix(strings.TrimPrefix(res.Errors[0], "An internal error occurred. The request id is "), "; the server log has the details.")
	if len(id) != 16 || !strings.Contains(log.String(), "req_id="+id) {
		t.Fatalf("request id %q not in the log: %s", id, log.String())
	}
}

func TestObserver(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	reg.Add(&Func{Module: "Test", Name: "f", Handler: func(context.Context, *Call) (any, error) { return nil, nil }})
	var got []string
	e := NewEngine(reg, nil, func(m, f string, status int, elapsed time.Duration) {
		got = append(got, fmt.Sprintf("%s::%s %d %v", m, f, status, elapsed >= 0))
	})
	e.Execute(context.Background(), Request{Account: mustAccount(t), Module: "Test", Function: "f"})
	e.Execute(context.Background(), Request{Account: mustAccount(t), Module: "Test", Function: "g"})
	want := []string{"Test::f 1 true", "Test::g 0 true"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("observed %q, want %q", got, want)
	}
}

func TestRegistryAddPanics(t *testing.T) {
	t.Parallel()
	h := func(context.Context, *Call) (any, error) { return nil, nil }
	tests := []struct {
		name  string
		funcs []*Func
	}{
		{"bad module name", []*Func{{Module: "Ftp-x", Name: "f", Handler: h}}},
		{"no handler", []*Func{{Module: "Ftp", Name: "f"}}},
		{"duplicate function", []*Func{{Module: "Ftp", Name: "f", Handler: h}, {Module: "Ftp", Name: "f", Handler: h}}},
		{"alias clash", []*Func{{Module: "Ftp", Name: "f", Handler: h,
			Params: []Param{{Name: "user"}, {Name: "login", Aliases: []string{"user"}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Fatal("Add did not panic")
				}
			}()
			NewRegistry().Add(tt.funcs...)
		})
	}
}

func TestArgsFromCLI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		words   []string
		want    Args
		wantErr bool
	}{
		{"plain", []string{"user=bob", "quota=10"}, Args{"user": {"bob"}, "quota": {"10"}}, false},
		{"URI-decoded", []string{"email=bob%40example.com", "a%2Eb=x%7Cy+z"}, Args{"email": {"bob@example.com"}, "a.b": {"x|y z"}}, false},
		{"value with =", []string{"q=a=b"}, Args{"q": {"a=b"}}, false},
		{"no value", []string{"flag"}, Args{"flag": {""}}, false},
		{"repeated", []string{"k=1", "k=2"}, Args{"k": {"1", "2"}}, false},
		{"empty key", []string{"=x"}, nil, true},
		{"bad key escape", []string{"%zz=1"}, nil, true},
		{"bad value escape", []string{"a=%"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ArgsFromCLI(tt.words)
			if (err != nil) != tt.wantErr || (!tt.wantErr && !reflect.DeepEqual(got, tt.want)) {
				t.Fatalf("ArgsFromCLI(%q) = %v, %v; want %v (error %v)", tt.words, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestArgsFromJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		body       string
		want       Args
		wantNested bool
		wantErr    bool
	}{
		{"scalars", `{"user":"bob","quota":10.5,"kill":true,"off":false,"none":null}`,
			Args{"user": {"bob"}, "quota": {"10.5"}, "kill": {"1"}, "off": {"0"}, "none": {""}}, false, false},
		{"array", `{"command":["a","b",3]}`, Args{"command": {"a", "b", "3"}}, false, false},
		{"nested", `{"services":{"ftp":{"enabled":1,"quota":"5"}}}`,
			Args{"services.ftp.enabled": {"1"}, "services.ftp.quota": {"5"}}, true, false},
		{"dotted and nested merge in key order", `{"a.b":1,"a":{"b":2}}`, Args{"a.b": {"2", "1"}}, true, false},
		{"big number kept", `{"n":12345678901234567890}`, Args{"n": {"12345678901234567890"}}, false, false},
		{"object in array", `{"a":[{"b":1}]}`, nil, false, true},
		{"array in array", `{"a":[[1]]}`, nil, false, true},
		{"not an object", `[1,2]`, nil, false, true},
		{"null", `null`, nil, false, true},
		{"trailing data", `{"a":1} {"b":2}`, nil, false, true},
		{"trailing space", "{\"a\":1}\n ", Args{"a": {"1"}}, false, false},
		{"empty body", ``, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, nested, err := ArgsFromJSON([]byte(tt.body))
			if (err != nil) != tt.wantErr {
				t.Fatalf("ArgsFromJSON(%s) error = %v, want error %v", tt.body, err, tt.wantErr)
			}
			if !tt.wantErr && (!reflect.DeepEqual(got, tt.want) || nested != tt.wantNested) {
				t.Fatalf("ArgsFromJSON(%s) = %v, %v; want %v, %v", tt.body, got, nested, tt.want, tt.wantNested)
			}
		})
	}
}

func TestCallAccessors(t *testing.T) {
	t.Parallel()
	var call *Call
	f := &Func{Module: "UserManager", Name: "edit_user", Nested: true,
		Params:  []Param{{Name: "quota", Type: QuotaMB}, {Name: "enabled", Type: Bool}, {Name: "services.ftp.quota", Type: QuotaMB}},
		Handler: func(_ context.Context, c *Call) (any, error) { call = c; return nil, nil }}
	e := mustEngine(t, nil, f)
	args := mustCLI(t, "quota=unlimited", "enabled=on", "services.ftp.enabled=1", "services.ftp.quota=unlimited", "free=x")
	if res := run(t, e, "UserManager", "edit_user", args); res.Status != 1 {
		t.Fatalf("status 0: %q", res.Errors)
	}
	raw, ok := call.Raw("free")
	got := []any{call.Int("quota"), call.Bool("enabled"), raw, ok, call.Prefixed("services.ftp.")}
	want := []any{int64(0), true, "x", true, map[string]string{"enabled": "1", "quota": "0"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// BenchmarkExecuteList measures the engine around a handler that returns
// 100 records: binding, invocation and post-processing, without and with
// api.* arguments.
func BenchmarkExecuteList(b *testing.B) {
	records := make([]ftpRecord, 100)
	for i := range records {
		records[i] = ftpRecord{User: fmt.Sprintf("user%03d@example.com", (i*37)%100), Type: "sub",
			DiskQuota: fmt.Sprint(i * 10), DiskUsed: float64(i) / 3, IP: fmt.Sprintf("10.0.%d.%d", i/10, i%10)}
	}
	e := mustEngine(b, nil, &Func{Module: "Ftp", Name: "list_ftp",
		Params:  []Param{{Name: "include_acct_types"}, {Name: "skip_acct_types"}},
		Handler: func(context.Context, *Call) (any, error) { return records, nil }})
	account := mustAccount(b)
	for _, bc := range []struct {
		name  string
		words []string
	}{
		{"plain", []string{"include_acct_types=sub"}},
		{"api", []string{"include_acct_types=sub", "api.filter_column=type", "api.filter_term=sub",
			"api.sort_column=user", "api.paginate_start=11", "api.paginate_size=20", "api.columns_1=user"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := Request{Account: account, Module: "Ftp", Function: "list_ftp", Args: mustCLI(b, bc.words...)}
			b.ReportAllocs()
			for b.Loop() {
				if res := e.Execute(context.Background(), req); res.Status != 1 {
					b.Fatalf("status 0: %q", res.Errors)
				}
			}
		})
	}
}
