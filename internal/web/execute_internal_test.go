package web

import (
	"context"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/catalog"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// mustUI returns a UI over the declarations of every module the daemon
// registers; their handlers are never called here.
func mustUI(tb testing.TB) *UI {
	tb.Helper()
	return New(Config{}, uapi.NewEngine(catalog.Registry(catalog.Deps{}), nil, nil), nil, nil)
}

var executeRE = regexp.MustCompile(`execute\s+"(\w+)"\s+"(\w+)"`)

// TestTemplatesOnlyRead checks every execute call in the templates: it
// names a function that reads, and, for the modules that exist, a function
// the registry has. A typo fails here rather than on a user's screen.
func TestTemplatesOnlyRead(t *testing.T) {
	ui := mustUI(t)
	pages, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	for _, p := range pages {
		b, _ := fs.ReadFile(files, p)
		for _, m := range executeRE.FindAllStringSubmatch(string(b), -1) {
			calls++
			f, found := ui.eng.Registry().Lookup(m[1], m[2])
			if found && f == nil {
				t.Errorf("%s: %s::%s is not registered", p, m[1], m[2])
			}
			if f != nil && !f.ReadOnly {
				t.Errorf("%s: execute %s::%s changes state on a GET", p, m[1], m[2])
			}
		}
	}
	if calls < 12 {
		t.Errorf("only %d execute calls found; the pattern is stale", calls)
	}
}

// TestExecuteFollowsTheRegistry: pages may run exactly the functions the
// registry declares ReadOnly.
func TestExecuteFollowsTheRegistry(t *testing.T) {
	ui := mustUI(t)
	acct := &hosting.Account{ID: 1, Name: "cpuser", Domain: "example.com", Domains: []string{"example.com"},
		Features: hosting.AllFeatures()}
	exec := ui.executeFunc(context.Background(), acct)
	reg := ui.eng.Registry()
	for _, m := range reg.Modules() {
		for _, f := range reg.Funcs(m) {
			if f.ReadOnly {
				continue
			}
			if _, err := exec(m, f.Name); err == nil || !strings.Contains(err.Error(), "changes are actions") {
				t.Errorf("%s::%s ran from a page: %v", m, f.Name, err)
			}
		}
	}
}

func TestExecuteRefusesChangesAndNoSession(t *testing.T) {
	ui := mustUI(t)
	acct := &hosting.Account{ID: 1, Name: "cpuser", Domain: "example.com", Domains: []string{"example.com"},
		Features: hosting.AllFeatures()}
	exec := ui.executeFunc(context.Background(), acct)
	if _, err := exec("Ftp", "kill_session", uapi.Args{"login": {"weeones"}}); err == nil ||
		!strings.Contains(err.Error(), "changes are actions") {
		t.Errorf("kill_session from a page: %v", err)
	}
	if _, err := ui.executeFunc(context.Background(), nil)("Tokens", "list"); err == nil {
		t.Error("execute without a session ran")
	}
	// Unknown functions come back as a result, as from any transport.
	r, err := exec("Ftp", "list_nothing")
	if err != nil || r.Status != 0 || len(r.Errors) != 1 {
		t.Errorf("unknown function: %v %+v", err, r)
	}
}

func TestArgs(t *testing.T) {
	a, err := argsFunc("login", "all", "n", 3, "login", "x")
	if err != nil || strings.Join(a["login"], ",") != "all,x" || a["n"][0] != "3" {
		t.Errorf("%v %v", a, err)
	}
	if _, err := argsFunc("odd"); err == nil {
		t.Error("odd number of values accepted")
	}
	if _, err := argsFunc(1, "x"); err == nil {
		t.Error("non-string key accepted")
	}
}

func TestValueHelpers(t *testing.T) {
	tests := []struct {
		v      any
		n      int64
		truthy bool
	}{
		{"1", 1, true}, {"0", 0, false}, {"42.00", 42, true}, {"unlimited", 0, false}, {nil, 0, false},
		{true, 0, true}, {false, 0, false}, {7, 7, true}, {int64(0), 0, false}, {"", 0, false},
	}
	for _, tt := range tests {
		if got := toInt(tt.v); got != tt.n {
			t.Errorf("toInt(%#v) = %d, want %d", tt.v, got, tt.n)
		}
		if got := truthy(tt.v); got != tt.truthy {
			t.Errorf("truthy(%#v) = %v, want %v", tt.v, got, tt.truthy)
		}
	}
}
