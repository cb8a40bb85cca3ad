package ftp

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/uapi"
	"github.com/uapid/uapid/internal/usage"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current results")

// env is one test's world: a real SQLite store, two tenants with real
// homes, the module registered in a real engine, and a session registry.
type env struct {
	db       *store.DB
	accounts *account.Service
	svc      *Service
	eng      *uapi.Engine
	sessions *fakeSessions
	usage    *usage.Keeper
	a, b     *hosting.Account // "cpuser" (example.com, example.net) and "other" (other.org)
}

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	return mustEnvWith(tb, Config{Port: 2121}, nil)
}

// mustEnvWith builds an env; wrap, when set, wraps the store the service sees.
func mustEnvWith(tb testing.TB, cfg Config, wrap func(hosting.FTPAccountStore) hosting.FTPAccountStore) *env {
	tb.Helper()
	e := &env{db: fixture.Store(tb), sessions: newFakeSessions()}
	e.usage = fixture.Usage(tb, e.db)
	e.accounts = fixture.Accounts(tb, e.db)
	e.a, e.b = fixture.Tenants(tb, e.accounts)
	var st hosting.FTPAccountStore = e.db
	if wrap != nil {
		st = wrap(st)
	}
	e.wire(tb, cfg, st, e.sessions)
	return e
}

// wire builds the service over st and sessions and registers it in a new
// engine.
func (e *env) wire(tb testing.TB, cfg Config, st hosting.FTPAccountStore, sessions Sessions) {
	tb.Helper()
	svc, err := New(cfg, st, sessions, e.usage, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	svc.loc = time.UTC
	e.svc = svc
	reg := uapi.NewRegistry()
	reg.Add(svc.Funcs()...)
	e.eng = uapi.NewEngine(reg, fixture.Logger(tb), nil)
}

// call runs Ftp::fn for acct with "key=value" arguments.
func (e *env) call(acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	return fixture.Call(e.eng, acct, "Ftp", fn, kv...)
}

// mustOK runs a call that must succeed.
func (e *env) mustOK(tb testing.TB, acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	tb.Helper()
	return fixture.MustOK(tb, e.eng, acct, "Ftp", fn, kv...)
}

// mustJSON renders a result as the HTTP body would carry it, with the
// tenants' temporary home directories replaced by /home/NAME.
func (e *env) mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		tb.Fatal(err)
	}
	s := strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), e.a.HomeDir, "/home/cpuser")
	return strings.ReplaceAll(s, e.b.HomeDir, "/home/other")
}

// checkResult compares a whole result object with want (JSON).
func (e *env) checkResult(tb testing.TB, r *uapi.Result, want string) {
	tb.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		tb.Fatalf("bad want: %v", err)
	}
	if got, exp := e.mustJSON(tb, r), e.mustJSON(tb, w); got != exp {
		tb.Errorf("result:\n%s\nwant:\n%s", got, exp)
	}
}

// checkGolden compares a result with testdata/NAME.golden (-update rewrites it).
func (e *env) checkGolden(tb testing.TB, name string, r *uapi.Result) {
	tb.Helper()
	got := e.mustJSON(tb, r) + "\n"
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// mustWrite creates a file of size bytes below an account's home.
func mustWrite(tb testing.TB, acct *hosting.Account, rel string, size int) {
	tb.Helper()
	p := filepath.Join(acct.HomeDir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func mustMode(tb testing.TB, acct *hosting.Account, rel string) fs.FileMode {
	tb.Helper()
	fi, err := os.Lstat(filepath.Join(acct.HomeDir, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Mode()
}

func exists(acct *hosting.Account, rel string) bool {
	_, err := os.Lstat(filepath.Join(acct.HomeDir, rel))
	return err == nil
}

// fakeSessions is a session registry for unit tests: it holds sessions
// in memory and closes them by removing them. It is never registered in
// the product, where internal/ftpd provides the registry.
type fakeSessions struct {
	mu     sync.Mutex
	live   []hosting.FTPSession
	killed []string // "ACCOUNTID:login" for each KillLogin call
}

func newFakeSessions() *fakeSessions { return &fakeSessions{} }

func (f *fakeSessions) add(s hosting.FTPSession) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.live = append(f.live, s)
}

// killedLogins returns the KillLogin calls so far.
func (f *fakeSessions) killedLogins() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.killed)
}

func (f *fakeSessions) ids() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int64
	for _, s := range f.live {
		out = append(out, s.ID)
	}
	slices.Sort(out)
	return out
}

func (f *fakeSessions) ListFTPSessions(_ context.Context, accountID int64) ([]hosting.FTPSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []hosting.FTPSession
	for _, s := range f.live {
		if s.AccountID == accountID {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b hosting.FTPSession) int { return int(a.ID - b.ID) })
	return out, nil
}

func (f *fakeSessions) KillFTPSessions(_ context.Context, accountID int64, flt hosting.FTPSessionFilter) (int, error) {
	return f.remove(func(s hosting.FTPSession) bool {
		return s.AccountID == accountID && (flt.ID == 0 || s.ID == flt.ID) && (flt.Login == "" || s.Login == flt.Login)
	}), nil
}

func (f *fakeSessions) KillLogin(_ context.Context, accountID int64, login string) (int, error) {
	f.mu.Lock()
	f.killed = append(f.killed, fmt.Sprintf("%d:%s", accountID, login))
	f.mu.Unlock()
	return f.remove(func(s hosting.FTPSession) bool { return s.AccountID == accountID && s.Login == login }), nil
}

func (f *fakeSessions) remove(match func(hosting.FTPSession) bool) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	kept := f.live[:0]
	n := 0
	for _, s := range f.live {
		if match(s) {
			n++
			continue
		}
		kept = append(kept, s)
	}
	f.live = kept
	return n
}

var _ Sessions = (*fakeSessions)(nil)
