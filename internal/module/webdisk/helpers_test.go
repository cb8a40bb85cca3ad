package webdisk_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/webdisk"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/uapi"
)

const realm = "test-realm"

// env is one test's world: a real SQLite store, two tenants with real
// homes, the module registered in a real engine, and a recorder of the
// connections the module asks to close.
type env struct {
	db       *store.DB
	accounts *account.Service
	svc      *webdisk.Service
	eng      *uapi.Engine
	kills    *killRecorder
	a, b     *hosting.Account // "cpuser" (example.com, example.net) and "other" (other.org)
}

// killRecorder is a webdisk.Sessions that remembers what it was told.
type killRecorder struct {
	mu    sync.Mutex
	calls []string // "accountID login"
}

func (k *killRecorder) KillLogin(_ context.Context, accountID int64, login string) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls = append(k.calls, login)
	return 0, nil
}

func (k *killRecorder) take() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.calls
	k.calls = nil
	return c
}

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	return mustEnvWith(tb, nil, nil)
}

// mustEnvWith builds an env; wrap, when set, wraps the store the service
// sees, and sessions, when set, gives the Sessions to use instead of the
// recorder, built on the env's store and accounts.
func mustEnvWith(tb testing.TB, wrap func(hosting.WebDiskAccountStore) hosting.WebDiskAccountStore, sessions func(*env) webdisk.Sessions) *env {
	tb.Helper()
	e := &env{db: fixture.Store(tb), kills: &killRecorder{}}
	e.accounts = fixture.Accounts(tb, e.db)
	e.a, e.b = fixture.Tenants(tb, e.accounts)
	var st hosting.WebDiskAccountStore = e.db
	if wrap != nil {
		st = wrap(st)
	}
	var ss webdisk.Sessions = e.kills
	if sessions != nil {
		ss = sessions(e)
	}
	svc, err := webdisk.New(webdisk.Config{Realm: realm}, st, ss, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	e.svc = svc
	reg := uapi.NewRegistry()
	reg.Add(svc.Funcs()...)
	e.eng = uapi.NewEngine(reg, fixture.Logger(tb), nil)
	return e
}

// call runs WebDisk::fn for acct with "key=value" arguments.
func (e *env) call(acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	return fixture.Call(e.eng, acct, "WebDisk", fn, kv...)
}

// mustOK runs a call that must succeed.
func (e *env) mustOK(tb testing.TB, acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	tb.Helper()
	return fixture.MustOK(tb, e.eng, acct, "WebDisk", fn, kv...)
}

// mustFail runs a call that must fail with an error containing want.
func (e *env) mustFail(tb testing.TB, acct *hosting.Account, fn, want string, kv ...string) {
	tb.Helper()
	r := e.call(acct, fn, kv...)
	if r.Status != 0 || len(r.Errors) == 0 || !strings.Contains(strings.Join(r.Errors, " "), want) {
		tb.Fatalf("%s %v: status %d, errors %q; want an error containing %q", fn, kv, r.Status, r.Errors, want)
	}
}

// get reads a login from the store.
func (e *env) get(tb testing.TB, acct *hosting.Account, user, domain string) *hosting.WebDiskAccount {
	tb.Helper()
	w, err := e.db.FindWebDiskAccount(context.Background(), acct.ID, user, domain)
	if err != nil {
		tb.Fatalf("find %s@%s: %v", user, domain, err)
	}
	return w
}

// logins returns the account's logins in the store.
func (e *env) logins(tb testing.TB, acct *hosting.Account) []string {
	tb.Helper()
	ws, err := e.db.ListWebDiskAccounts(context.Background(), acct.ID)
	if err != nil {
		tb.Fatal(err)
	}
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Login())
	}
	return out
}

// mode returns the permission bits of rel in acct's home, or 0 if missing.
func mode(tb testing.TB, acct *hosting.Account, rel string) os.FileMode {
	tb.Helper()
	fi, err := os.Stat(filepath.Join(acct.HomeDir, rel))
	if os.IsNotExist(err) {
		return 0
	} else if err != nil {
		tb.Fatal(err)
	}
	return fi.Mode().Perm()
}

// dataJSON renders a result's data as the HTTP body carries it.
func dataJSON(tb testing.TB, r *uapi.Result) string {
	tb.Helper()
	b, err := json.Marshal(r.Data)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
