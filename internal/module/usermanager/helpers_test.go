package usermanager

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/invite/smtptest"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/svcacct"
	"github.com/uapid/uapid/internal/uapi"
)

// guidRE matches every GUID a record carries.
var guidRE = regexp.MustCompile(`^[A-Z0-9._-]*:[A-Z0-9.-]*:[0-9A-F]+:[0-9A-F]{64}$`)

// env is one test's world: a real SQLite store, two tenants with real homes,
// the real Ftp, Email and WebDisk services, an SMTP relay, and every module
// registered in one real engine.
type env struct {
	db       *store.DB
	accounts *account.Service
	ftp      *ftp.Service
	email    *email.Service
	webdisk  *webdisk.Service
	svc      *Service
	eng      *uapi.Engine
	kills    *killRecorder
	smtp     *smtptest.Server
	clock    *clock
	a, b     *hosting.Account // "cpuser" (example.com, example.net) and "other" (other.org)
}

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	return mustEnvOn(tb, fixture.Store(tb), svcacct.NewLocks())
}

// mustEnvOn is mustEnv over db, whose services share locks.
func mustEnvOn(tb testing.TB, db *store.DB, locks *svcacct.Locks) *env {
	tb.Helper()
	e := &env{db: db, kills: &killRecorder{}, smtp: smtptest.Start(tb),
		clock: &clock{t: time.Unix(1_800_000_000, 0).UTC()}}
	e.accounts = fixture.Accounts(tb, e.db)
	fixture.Account(tb, e.accounts, "cpuser", "example.com", "cpuser-password")
	if err := e.accounts.AddDomain(context.Background(), "cpuser", "example.net"); err != nil {
		tb.Fatal(err)
	}
	e.a = e.mustAccount(tb, "cpuser")
	e.b = fixture.Account(tb, e.accounts, "other", "other.org", "other-password")
	e.wire(tb, locks)
	return e
}

// wire builds the services over the env's store, sharing locks as
// cmd/uapid shares them, and registers them.
func (e *env) wire(tb testing.TB, locks *svcacct.Locks) {
	tb.Helper()
	log := fixture.Logger(tb)
	var err error
	if e.ftp, err = ftp.New(ftp.Config{Locks: locks}, e.db, e.kills.ftp(), fixture.Usage(tb, e.db), log); err != nil {
		tb.Fatal(err)
	}
	if e.email, err = email.New(email.Config{Locks: locks}, e.db, nil, log); err != nil {
		tb.Fatal(err)
	}
	if e.webdisk, err = webdisk.New(webdisk.Config{Realm: "test", Locks: locks}, e.db, e.kills.webDisk(), log); err != nil {
		tb.Fatal(err)
	}
	mailer, err := invite.NewSMTP(invite.SMTPConfig{Relay: e.smtp.Addr(), From: "noreply@host.example", Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	e.svc, err = New(Config{InviteBaseURL: "https://host.example:2083/", Hostname: "test.host"}, Deps{
		Store: e.db, Accounts: e.db, FTP: e.ftp, Email: e.email, WebDisk: e.webdisk, Passwords: e.accounts,
		Mailer: mailer, Log: log, Now: e.clock.now, Locks: locks})
	if err != nil {
		tb.Fatal(err)
	}
	e.eng = newEngine(tb, e.svc, e.ftp.Funcs(), e.email.Funcs(), e.webdisk.Funcs())
}

// newEngine registers svc and other modules' functions in a new engine.
func newEngine(tb testing.TB, svc *Service, more ...[]*uapi.Func) *uapi.Engine {
	reg := uapi.NewRegistry()
	reg.Add(svc.Funcs()...)
	for _, fs := range more {
		reg.Add(fs...)
	}
	return uapi.NewEngine(reg, fixture.Logger(tb), nil)
}

func (e *env) mustAccount(tb testing.TB, name string) *hosting.Account {
	tb.Helper()
	a, err := e.accounts.Get(context.Background(), name)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// call runs Module::fn ("Ftp::add_ftp"; a bare name is UserManager's) for
// acct with "key=value" arguments.
func (e *env) call(acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	return e.callOn(e.eng, acct, fn, kv...)
}

// callOn is call on another engine.
func (e *env) callOn(eng *uapi.Engine, acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	mod, name, ok := strings.Cut(fn, "::")
	if !ok {
		mod, name = module, fn
	}
	args := uapi.Args{}
	for _, w := range kv {
		k, v, _ := strings.Cut(w, "=")
		args.Add(k, v)
	}
	return eng.Execute(context.Background(), uapi.Request{Account: acct, Module: mod, Function: name, Args: args, Transport: "test"})
}

// mustOK runs a call that must succeed.
func (e *env) mustOK(tb testing.TB, acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	tb.Helper()
	r := e.call(acct, fn, kv...)
	if r.Status != 1 {
		tb.Fatalf("%s %v: status %d, errors %q", fn, kv, r.Status, r.Errors)
	}
	return r
}

// mustFail runs a call that must fail with an error containing want.
func (e *env) mustFail(tb testing.TB, acct *hosting.Account, want, fn string, kv ...string) *uapi.Result {
	tb.Helper()
	r := e.call(acct, fn, kv...)
	if r.Status != 0 || len(r.Errors) == 0 || !strings.Contains(strings.Join(r.Errors, "\n"), want) {
		tb.Fatalf("%s %v: status %d, errors %q; want an error containing %q", fn, kv, r.Status, r.Errors, want)
	}
	return r
}

// generic renders data as the JSON a client receives and decodes it back,
// so tests look at exactly what goes on the wire.
func generic(tb testing.TB, v any) any {
	tb.Helper()
	g, err := uapi.Generic(v)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// obj returns the data of r (or any value) as a JSON object.
func obj(tb testing.TB, v any) map[string]any {
	tb.Helper()
	if r, ok := v.(*uapi.Result); ok {
		v = r.Data
	}
	m, ok := generic(tb, v).(map[string]any)
	if !ok {
		tb.Fatalf("not an object: %s", mustMarshal(tb, v))
	}
	return m
}

// list returns the data of r as a list of JSON objects.
func list(tb testing.TB, r *uapi.Result) []map[string]any {
	tb.Helper()
	items, ok := generic(tb, r.Data).([]any)
	if !ok {
		tb.Fatalf("not a list: %s", mustMarshal(tb, r.Data))
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = it.(map[string]any)
	}
	return out
}

func mustMarshal(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// summary is a short form of records for comparing lists: type, name,
// enabled services and, after "<", the merge candidates.
func summary(tb testing.TB, records []map[string]any) []string {
	tb.Helper()
	var out []string
	for _, r := range records {
		s := r["type"].(string) + " " + r["full_username"].(string) + " " + enabled(r)
		var cands []string
		for _, c := range r["merge_candidates"].([]any) {
			cm := c.(map[string]any)
			cands = append(cands, enabled(cm)+"/"+cm["parent_type"].(string))
		}
		if len(cands) > 0 {
			s += " < " + strings.Join(cands, " ")
		}
		out = append(out, s)
	}
	return out
}

// enabled lists a record's enabled services, "email+ftp".
func enabled(r map[string]any) string {
	var on []string
	for _, svc := range hosting.SubaccountServices() {
		if r["services"].(map[string]any)[svc].(map[string]any)["enabled"].(json.Number).String() == "1" {
			on = append(on, svc)
		}
	}
	if len(on) == 0 {
		return "-"
	}
	return strings.Join(on, "+")
}

// num reads an integer field of a JSON object.
func num(tb testing.TB, m map[string]any, key string) int64 {
	tb.Helper()
	n, ok := m[key].(json.Number)
	if !ok {
		tb.Fatalf("%s is %T %v, want a number", key, m[key], m[key])
	}
	i, err := n.Int64()
	if err != nil {
		tb.Fatal(err)
	}
	return i
}

// killRecorder remembers which logins the FTP and Web Disk services were
// told to disconnect.
type killRecorder struct {
	mu    sync.Mutex
	calls []string // "ftp bob@example.com", "webdisk bob@example.com"
}

func (k *killRecorder) record(proto, login string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls = append(k.calls, proto+" "+login)
}

func (k *killRecorder) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.calls
	k.calls = nil
	slices.Sort(c)
	return c
}

func (k *killRecorder) ftp() ftp.Sessions         { return ftpKills{k} }
func (k *killRecorder) webDisk() webdisk.Sessions { return webDiskKills{k} }

type ftpKills struct{ k *killRecorder }

func (f ftpKills) ListFTPSessions(context.Context, int64) ([]hosting.FTPSession, error) {
	return nil, nil
}
func (f ftpKills) KillFTPSessions(context.Context, int64, hosting.FTPSessionFilter) (int, error) {
	return 0, nil
}
func (f ftpKills) KillLogin(_ context.Context, _ int64, login string) (int, error) {
	f.k.record("ftp", login)
	return 1, nil
}

type webDiskKills struct{ k *killRecorder }

func (w webDiskKills) KillLogin(_ context.Context, _ int64, login string) (int, error) {
	w.k.record("webdisk", login)
	return 1, nil
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
