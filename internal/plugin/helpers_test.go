package plugin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/tokens"
	"github.com/uapid/uapid/internal/plugin"
	"github.com/uapid/uapid/internal/uapi"
	"github.com/uapid/uapid/internal/web"
)

// Passwords of the two tenants every test has.
const (
	passA = "cpuser-Pass-1"
	passB = "other-Pass-1"
)

// env is one test's world: a real store with two tenants, the Tokens and
// Ftp modules in a real engine, the real authenticator, and the web UI
// with the plugin pages mounted, as cmd/uapid wires them.
type env struct {
	logs    *logBuffer // everything logged, to check what a page's failure leaves
	liveDir string     // where the pages' LiveAPI sockets are made
	eng     *uapi.Engine
	au      *auth.Authenticator
	h       http.Handler
	a, b    *hosting.Account // "cpuser" with the token "alpha", "other" with "bravo"
}

// mustEnv builds an env over cfg; an empty cfg.Dir means testdata/plugins.
func mustEnv(tb testing.TB, cfg plugin.Config) *env {
	tb.Helper()
	logs := &logBuffer{}
	log := slog.New(slog.NewMultiHandler(fixture.Logger(tb).Handler(), slog.NewTextHandler(logs, nil)))
	db := fixture.Store(tb)
	accounts := fixture.Accounts(tb, db)
	e := &env{logs: logs, a: fixture.Account(tb, accounts, "cpuser", "example.com", passA),
		b: fixture.Account(tb, accounts, "other", "other.org", passB)}
	ftpSvc, err := ftp.New(ftp.Config{}, db, nil, fixture.Usage(tb, db), log)
	if err != nil {
		tb.Fatal(err)
	}
	reg := uapi.NewRegistry()
	reg.Add(tokens.New(db, nil).Funcs()...)
	reg.Add(ftpSvc.Funcs()...)
	e.eng = uapi.NewEngine(reg, log, nil)
	e.au = auth.New(auth.Config{}, fixture.AuthStores(db), limiter.New(limiter.DefaultConfig(), nil), log, nil)
	e.mustCall(tb, e.a, "Tokens", "create_full_access", "name", "alpha")
	e.mustCall(tb, e.b, "Tokens", "create_full_access", "name", "bravo")

	if cfg.Dir == "" {
		cfg.Dir = "testdata/plugins"
	}
	if cfg.LiveAPI.Dir == "" {
		cfg.LiveAPI.Dir = mustShortDir(tb)
	}
	e.liveDir = cfg.LiveAPI.Dir
	pl, err := plugin.New(cfg, e.eng, log)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pl.Close)
	e.h = web.New(web.Config{Location: time.UTC}, e.eng, e.au, log).WithPlugins(pl)
	return e
}

// logBuffer keeps log lines; pages log from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// mustCall runs a function for acct on the engine, behind the pages' back.
func (e *env) mustCall(tb testing.TB, acct *hosting.Account, module, function string, kv ...string) {
	tb.Helper()
	args := uapi.Args{}
	for i := 0; i+1 < len(kv); i += 2 {
		args.Add(kv[i], kv[i+1])
	}
	if r := e.eng.Execute(context.Background(), uapi.Request{Account: acct, Module: module, Function: function, Args: args}); r.Status != 1 {
		tb.Fatalf("%s::%s: %v", module, function, r.Errors)
	}
}

// mustShortDir is a temporary directory with a short path: t.TempDir()
// can be too long for a socket address.
func mustShortDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "pl")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// browser is a logged-in session.
type browser struct {
	e      *env
	cookie string
	token  string
}

func (e *env) login(tb testing.TB, name, pass string) *browser {
	tb.Helper()
	_, s, secret, err := e.au.Login(context.Background(), name, pass, "192.0.2.10")
	if err != nil {
		tb.Fatal(err)
	}
	return &browser{e: e, cookie: secret, token: s.SecurityToken}
}

// resp is an answer with its body as text.
type resp struct {
	code   int
	header http.Header
	body   string
}

// do sends one request below the session prefix; body may be nil.
func (b *browser) do(tb testing.TB, method, path string, body io.Reader) resp {
	tb.Helper()
	req := httptest.NewRequest(method, "/"+b.token+path, body)
	if b.cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: b.cookie})
	}
	req.Header.Set("User-Agent", "uapid-test")
	req.Header.Set("Authorization", "cpanel cpuser:SECRETTOKENVALUE")
	rec := httptest.NewRecorder()
	b.e.h.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// mustGet fetches a page that must answer 200.
func (b *browser) mustGet(tb testing.TB, path string) string {
	tb.Helper()
	r := b.do(tb, http.MethodGet, path, nil)
	if r.code != http.StatusOK {
		tb.Fatalf("GET %s: %d\n%s", path, r.code, r.body)
	}
	return r.body
}

// between returns the text after the first from up to the next to.
func between(body, from, to string) string {
	_, rest, ok := strings.Cut(body, from)
	if !ok {
		return ""
	}
	part, _, _ := strings.Cut(rest, to)
	return part
}

func mustContain(tb testing.TB, body string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			tb.Errorf("missing %q in:\n%s", w, body)
		}
	}
}

func mustNotContain(tb testing.TB, body string, bad ...string) {
	tb.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			tb.Errorf("unexpected %q in:\n%s", b, body)
		}
	}
}

// mustPluginDir makes a plugin folder holding the files given as
// "plugin/page" → content; names ending in ".cgi" or ".sh" get the
// executable bit.
func mustPluginDir(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, ".cgi") || strings.HasSuffix(name, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
