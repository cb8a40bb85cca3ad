package httpapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/httpapi"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/uapi"
)

const (
	testUser = "demo"
	testPass = "s3cret-Pass!"
)

// env is one running server over a real store, engine and authenticator.
type env struct {
	srv    *httptest.Server
	client *http.Client
	db     *store.DB
	acct   *hosting.Account
	clock  *fakeClock
	logs   *syncBuffer
	reg    *prometheus.Registry
}

// fakeClock is the authenticator's and limiter's time, moved by tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mustEnv starts a TLS server; edit may change the config before New.
func mustEnv(tb testing.TB, edit func(*httpapi.Config)) *env {
	tb.Helper()
	ctx := context.Background()
	e := &env{clock: &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)},
		logs: &syncBuffer{}, reg: prometheus.NewRegistry()}
	log := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "uapid.db"), log)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	e.db = db
	e.acct = mustAccount(tb, db, testUser, testPass, "example.com")
	lim := limiter.New(limiter.DefaultConfig(), e.clock.Now)
	au := auth.New(auth.Config{SessionIdle: 15 * time.Minute}, fixture.AuthStores(db), lim, log, e.clock.Now)
	eng := uapi.NewEngine(testRegistry(), log, nil)
	cfg := httpapi.Config{Metrics: promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{}), SecureCookie: true}
	if edit != nil {
		edit(&cfg)
	}
	e.srv = httptest.NewTLSServer(httpapi.New(cfg, eng, au, log, e.reg).Handler())
	tb.Cleanup(e.srv.Close)
	e.client = e.srv.Client()
	// Redirects are answers under test, not something to follow.
	e.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return e
}

func mustAccount(tb testing.TB, db *store.DB, name, pass, domain string) *hosting.Account {
	tb.Helper()
	hash, err := password.Hash(pass)
	if err != nil {
		tb.Fatalf("hash: %v", err)
	}
	a := &hosting.Account{Name: name, PasswordHash: hash, Domain: domain, Domains: []string{domain},
		HomeDir: tb.TempDir(), Features: hosting.AllFeatures()}
	if err := db.CreateAccount(context.Background(), a); err != nil {
		tb.Fatalf("create account %s: %v", name, err)
	}
	return a
}

// mustToken stores an API token of the account and returns its secret.
func mustToken(tb testing.TB, e *env, name string, expires *time.Time) string {
	tb.Helper()
	secret := auth.NewAPIToken()
	t := &hosting.Token{AccountID: e.acct.ID, Name: name, Hash: auth.HashSecret(secret),
		CreatedAt: e.clock.Now(), ExpiresAt: expires, FullAccess: true}
	if err := e.db.CreateToken(context.Background(), t); err != nil {
		tb.Fatalf("create token: %v", err)
	}
	return secret
}

// response is an answer read in full.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// do sends a request; body may be nil. Headers are given as "Name: value".
func (e *env) do(tb testing.TB, method, path string, body io.Reader, headers ...string) response {
	tb.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Add(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read body: %v", err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

func basic(user, pass string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func demoBasic() string { return basic(testUser, testPass) }

// result decodes a result object body.
func (r response) result(tb testing.TB) uapi.Result {
	tb.Helper()
	var res uapi.Result
	if err := json.Unmarshal(r.body, &res); err != nil {
		tb.Fatalf("body is not a result object: %v\n%s", err, r.body)
	}
	return res
}

// wantStatus fails unless the HTTP status is code.
func (r response) wantStatus(tb testing.TB, code int) response {
	tb.Helper()
	if r.code != code {
		tb.Fatalf("HTTP status = %d, want %d; body: %s", r.code, code, r.body)
	}
	return r
}

// wantError fails unless the body is a failed result with exactly msg.
func (r response) wantError(tb testing.TB, msg string) {
	tb.Helper()
	res := r.result(tb)
	if res.Status != 0 || len(res.Errors) != 1 || res.Errors[0] != msg {
		tb.Fatalf("result = status %d errors %q, want status 0 errors [%q]", res.Status, res.Errors, msg)
	}
}

// testRegistry holds small real functions: cPanel's modules are tested in
// their own packages; here only the transport is under test.
func testRegistry() *uapi.Registry {
	reg := uapi.NewRegistry()
	reg.Add(
		&uapi.Func{Module: "Test", Name: "echo", Summary: "Echo the validated arguments.", Returns: "object",
			Params: []uapi.Param{
				{Name: "name", Type: uapi.String, Required: true},
				{Name: "count", Type: uapi.Int, Default: "1"},
				{Name: "flag", Type: uapi.Bool},
				{Name: "item", Type: uapi.String, Multi: true},
			},
			Handler: echo},
		&uapi.Func{Module: "Test", Name: "list", Summary: "A list.", Returns: "list",
			Handler: func(context.Context, *uapi.Call) (any, error) {
				return []map[string]string{{"user": "bob@example.com", "type": "sub"}}, nil
			}},
		&uapi.Func{Module: "Test", Name: "nested", Summary: "Takes services.* keys.", Returns: "object",
			Nested: true, Handler: func(_ context.Context, c *uapi.Call) (any, error) {
				return c.Prefixed("services."), nil
			}},
		&uapi.Func{Module: "Test", Name: "whoami", Summary: "The calling account.", Returns: "string",
			Handler: func(_ context.Context, c *uapi.Call) (any, error) { return c.Account.Name, nil }},
	)
	return reg
}

type echoed struct {
	Name  string   `json:"name"`
	Count int64    `json:"count"`
	Flag  bool     `json:"flag"`
	Items []string `json:"items"`
}

func echo(_ context.Context, c *uapi.Call) (any, error) {
	return echoed{Name: c.String("name"), Count: c.Int("count"), Flag: c.Bool("flag"), Items: c.List("item")}, nil
}
