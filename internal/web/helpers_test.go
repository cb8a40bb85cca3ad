package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/invite/smtptest"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/tokens"
	"github.com/uapid/uapid/internal/module/usermanager"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/uapi"
	"github.com/uapid/uapid/internal/web"
)

// Passwords of the two tenants every test has.
const (
	passA = "cpuser-Pass-1"
	passB = "other-Pass-1"
)

// allModules are the modules the daemon registers (internal/catalog).
var allModules = []string{"Tokens", "Ftp", "Email", "WebDisk", "UserManager"}

// env is one test's world: a real SQLite store, two tenants with real
// homes, the real Tokens, Ftp, Email, WebDisk and UserManager services in a
// real engine, an SMTP relay for invitations, a real authenticator and the
// UI's handler. Every request goes through the handler as a browser's would.
type env struct {
	db       *store.DB
	accounts *account.Service
	au       *auth.Authenticator
	eng      *uapi.Engine
	ftp      *ftp.Service
	um       *usermanager.Service
	smtp     *smtptest.Server
	sessions *fakeSessions
	clock    *fakeClock
	h        http.Handler
	a, b     *hosting.Account // "cpuser" (example.com, example.net) and "other" (other.org)
}

// mustEnv builds an env with every module registered.
func mustEnv(tb testing.TB) *env {
	tb.Helper()
	return mustEnvModules(tb, allModules...)
}

// mustEnvModules builds an env whose engine registers only the modules
// named, as a server built without some of them would.
func mustEnvModules(tb testing.TB, modules ...string) *env {
	tb.Helper()
	ctx := context.Background()
	e := &env{db: fixture.Store(tb), sessions: &fakeSessions{}, clock: &fakeClock{t: time.Now()}, smtp: smtptest.Start(tb)}
	e.accounts = fixture.Accounts(tb, e.db)
	fixture.Account(tb, e.accounts, "cpuser", "example.com", passA)
	if err := e.accounts.AddDomain(ctx, "cpuser", "example.net"); err != nil {
		tb.Fatal(err)
	}
	e.a = mustAccount(tb, e.accounts, "cpuser")
	e.b = fixture.Account(tb, e.accounts, "other", "other.org", passB)
	funcs := e.services(tb)
	reg := uapi.NewRegistry()
	for _, m := range modules {
		reg.Add(funcs[m]...)
	}
	log := fixture.Logger(tb)
	e.eng = uapi.NewEngine(reg, log, nil)
	e.au = auth.New(auth.Config{}, fixture.AuthStores(e.db), limiter.New(limiter.DefaultConfig(), nil), log, e.clock.Now)
	e.h = web.New(web.Config{Location: time.UTC, Invites: e.um}, e.eng, e.au, log).Handler()
	return e
}

// services builds every module's service over the env's store, as
// cmd/uapid does, and returns their declarations by module.
func (e *env) services(tb testing.TB) map[string][]*uapi.Func {
	tb.Helper()
	log := fixture.Logger(tb)
	var err error
	if e.ftp, err = ftp.New(ftp.Config{}, e.db, e.sessions, fixture.Usage(tb, e.db), log); err != nil {
		tb.Fatal(err)
	}
	mail, err := email.New(email.Config{}, e.db, nil, log)
	if err != nil {
		tb.Fatal(err)
	}
	disk, err := webdisk.New(webdisk.Config{Realm: "test"}, e.db, noWebDAV{}, log)
	if err != nil {
		tb.Fatal(err)
	}
	mailer, err := invite.NewSMTP(invite.SMTPConfig{Relay: e.smtp.Addr(), From: "noreply@host.example", Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	e.um, err = usermanager.New(usermanager.Config{InviteBaseURL: "https://host.example:2083", Hostname: "test.host"},
		usermanager.Deps{Store: e.db, Accounts: e.db, FTP: e.ftp, Email: mail, WebDisk: disk, Passwords: e.accounts,
			Mailer: mailer, Log: log, Now: e.clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	return map[string][]*uapi.Func{"Tokens": tokens.New(e.db, nil).Funcs(), "Ftp": e.ftp.Funcs(),
		"Email": mail.Funcs(), "WebDisk": disk.Funcs(), "UserManager": e.um.Funcs()}
}

func mustAccount(tb testing.TB, svc *account.Service, name string) *hosting.Account {
	tb.Helper()
	a, err := svc.Get(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// call runs a function for acct directly on the engine, to set up or
// check state behind the UI's back.
func (e *env) call(tb testing.TB, acct *hosting.Account, module, function string, kv ...string) *uapi.Result {
	tb.Helper()
	args := uapi.Args{}
	for _, w := range kv {
		k, v, _ := strings.Cut(w, "=")
		args.Add(k, v)
	}
	return e.eng.Execute(context.Background(), uapi.Request{Account: acct, Module: module, Function: function, Args: args})
}

// mustCall is call for a function that must succeed.
func (e *env) mustCall(tb testing.TB, acct *hosting.Account, module, function string, kv ...string) *uapi.Result {
	tb.Helper()
	r := e.call(tb, acct, module, function, kv...)
	if r.Status != 1 {
		tb.Fatalf("%s::%s %v: %v", module, function, kv, r.Errors)
	}
	return r
}

// mustList returns a list result's records as generic maps.
func mustList(tb testing.TB, r *uapi.Result) []map[string]any {
	tb.Helper()
	g, err := uapi.Generic(r.Data)
	if err != nil {
		tb.Fatal(err)
	}
	list, ok := g.([]any)
	if !ok {
		tb.Fatalf("data is %T, not a list", g)
	}
	out := make([]map[string]any, 0, len(list))
	for _, rec := range list {
		out = append(out, rec.(map[string]any))
	}
	return out
}

// browser is a logged-in session: the cookie and the cpsess token that
// POST /login/ would have given.
type browser struct {
	e      *env
	cookie string
	token  string
}

// login opens a session through the authenticator, as the API's login does.
func (e *env) login(tb testing.TB, name, pass string) *browser {
	tb.Helper()
	_, s, secret, err := e.au.Login(context.Background(), name, pass, "192.0.2.10")
	if err != nil {
		tb.Fatalf("login %s: %v", name, err)
	}
	return &browser{e: e, cookie: secret, token: s.SecurityToken}
}

// resp is an answer with its body as text.
type resp struct {
	code   int
	header http.Header
	body   string
}

// do sends one request to the UI's handler; path is absolute.
func (e *env) do(tb testing.TB, method, path, cookie string, form url.Values) resp {
	tb.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: cookie})
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// doHeader sends a GET with extra headers and returns the status.
func (e *env) doHeader(tb testing.TB, path string, h http.Header) int {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Code
}

// get fetches a page below the session prefix ("/ftp/accounts").
func (b *browser) get(tb testing.TB, path string) resp {
	tb.Helper()
	return b.e.do(tb, http.MethodGet, "/"+b.token+path, b.cookie, nil)
}

// post submits a form below the session prefix with "key=value" fields.
func (b *browser) post(tb testing.TB, path string, kv ...string) resp {
	tb.Helper()
	form := url.Values{}
	for _, w := range kv {
		k, v, _ := strings.Cut(w, "=")
		form.Add(k, v)
	}
	return b.e.do(tb, http.MethodPost, "/"+b.token+path, b.cookie, form)
}

// mustPage fetches a page that must render (200).
func (b *browser) mustPage(tb testing.TB, path string) string {
	tb.Helper()
	r := b.get(tb, path)
	if r.code != http.StatusOK {
		tb.Fatalf("GET %s: %d\n%s", path, r.code, r.body)
	}
	return r.body
}

// mustDone submits a form that must succeed: a 303 back to page carrying
// the action's name. It returns the page the redirect leads to.
func (b *browser) mustDone(tb testing.TB, path, page string, kv ...string) string {
	tb.Helper()
	r := b.post(tb, path, kv...)
	if r.code != http.StatusSeeOther {
		tb.Fatalf("POST %s %v: %d, want 303\n%s", path, kv, r.code, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/"+b.token+page+"?done=") {
		tb.Fatalf("POST %s: Location %q, want %s?done=…", path, loc, page)
	}
	return b.mustPage(tb, strings.TrimPrefix(loc, "/"+b.token))
}

// mustOK submits a form that must succeed with the page rendered at once
// (200, no redirect): an action with data to show, or with messages.
func (b *browser) mustOK(tb testing.TB, path string, kv ...string) string {
	tb.Helper()
	r := b.post(tb, path, kv...)
	if r.code != http.StatusOK {
		tb.Fatalf("POST %s %v: %d, want 200\n%s", path, kv, r.code, r.body)
	}
	return r.body
}

// mustFail submits a form that must fail: 422 with the page rendered again.
func (b *browser) mustFail(tb testing.TB, path string, kv ...string) string {
	tb.Helper()
	r := b.post(tb, path, kv...)
	if r.code != http.StatusUnprocessableEntity {
		tb.Fatalf("POST %s %v: %d, want 422\n%s", path, kv, r.code, r.body)
	}
	return r.body
}

// between returns the text from the first from up to the next to after it,
// to look inside one table row or one form; "" if from is missing.
func between(body, from, to string) string {
	_, rest, ok := strings.Cut(body, from)
	if !ok {
		return ""
	}
	part, _, _ := strings.Cut(rest, to)
	return part
}

// row returns one table row by its data-testid.
func row(body, testid string) string {
	return between(body, `data-testid="`+testid+`"`, "</tr>")
}

// mustContain fails unless body contains every want.
func mustContain(tb testing.TB, body string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			tb.Errorf("missing %q in:\n%s", w, body)
		}
	}
}

// mustNotContain fails if body contains any of bad.
func mustNotContain(tb testing.TB, body string, bad ...string) {
	tb.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			tb.Errorf("unexpected %q in:\n%s", b, body)
		}
	}
}
