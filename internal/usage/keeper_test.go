package usage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

type env struct {
	db    *store.DB
	acct  *hosting.Account
	login *hosting.FTPAccount
	walks atomic.Int64
}

// mustEnv gives an account with a home holding 3 files (100 bytes in the
// home, 20 in public_ftp, 7 in the login's home "site") and one virtual
// login whose home is "site".
func mustEnv(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(context.Background(), filepath.Join(dir, "uapid.db"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	home := filepath.Join(dir, "home")
	a := &hosting.Account{Name: "cpuser", PasswordHash: "$6$s$h", Domain: "example.com", Domains: []string{"example.com"},
		HomeDir: home, Features: hosting.AllFeatures()}
	if err := db.CreateAccount(context.Background(), a); err != nil {
		tb.Fatal(err)
	}
	f := &hosting.FTPAccount{AccountID: a.ID, User: "web", Domain: "example.com", PasswordHash: "$6$s$h", HomeDir: "site"}
	if err := db.CreateFTPAccount(context.Background(), f); err != nil {
		tb.Fatal(err)
	}
	for name, size := range map[string]int{"a.txt": 100, "public_ftp/p.txt": 20, "site/deep/s.txt": 7} {
		mustWrite(tb, filepath.Join(home, name), size)
	}
	return &env{db: db, acct: a, login: f}
}

func mustWrite(tb testing.TB, p string, size int) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func (e *env) keeper(tb testing.TB, cfg Config) *Keeper {
	tb.Helper()
	hook := cfg.OnWalk
	cfg.OnWalk = func(id int64) {
		e.walks.Add(1)
		if hook != nil {
			hook(id)
		}
	}
	k := New(cfg, e.db, nil)
	tb.Cleanup(func() { _ = k.Close() })
	return k
}

func (e *env) counts(tb testing.TB) hosting.UsageCounts {
	tb.Helper()
	c, err := e.db.UsageCounts(context.Background(), e.acct.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestRescanCounts(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	k := e.keeper(t, Config{})
	c, err := k.Rescan(context.Background(), e.acct)
	if err != nil {
		t.Fatal(err)
	}
	stored := e.counts(t)
	for _, got := range []hosting.UsageCounts{c, stored} {
		if got.Dirs[hosting.UsageHome] != 127 || got.Dirs[hosting.UsagePublicFTP] != 20 || got.FTP[e.login.ID] != 7 {
			t.Errorf("counts %+v; want home 127, public_ftp 20, web 7", got)
		}
	}
	if stored.ScannedAt.IsZero() {
		t.Error("a rescan did not record its time")
	}
}

func TestRescanBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"depth", Config{MaxDepth: 1}, "deeper than 1 levels"},
		{"entries", Config{MaxEntries: 3}, "more than 3 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			_, err := e.keeper(t, tt.cfg).Rescan(context.Background(), e.acct)
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Rescan = %v, want ErrTooLarge (%s)", err, tt.want)
			}
			if c := e.counts(t); len(c.Dirs) != 0 || !c.ScannedAt.IsZero() {
				t.Errorf("a stopped rescan stored %+v", c)
			}
		})
	}
}

// A rescan whose context ends stops walking and stores nothing.
func TestRescanCancelled(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	for i := range 50 {
		mustWrite(t, filepath.Join(e.acct.HomeDir, "many", strings.Repeat("d/", i%5), "f"+string(rune('a'+i%26))), 1)
	}
	ctx, cancel := context.WithCancel(context.Background())
	k := e.keeper(t, Config{OnWalk: func(int64) { cancel() }})
	if _, err := k.Rescan(ctx, e.acct); !errors.Is(err, context.Canceled) {
		t.Fatalf("Rescan = %v, want context.Canceled", err)
	}
	if c := e.counts(t); !c.ScannedAt.IsZero() {
		t.Errorf("a cancelled rescan stored %+v", c)
	}
}

// Two rescans of one account at once walk once; the second gets the
// first's result.
func TestRescanJoins(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	k := e.keeper(t, Config{OnWalk: func(int64) { close(started); <-release }})
	var wg sync.WaitGroup
	results := make([]hosting.UsageCounts, 2)
	errs := make([]error, 2)
	wg.Go(func() { results[0], errs[0] = k.Rescan(context.Background(), e.acct) })
	<-started
	wg.Go(func() { results[1], errs[1] = k.Rescan(context.Background(), e.acct) })
	for k.joined(e.acct.ID) < 1 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if e.walks.Load() != 1 {
		t.Errorf("%d walks, want 1", e.walks.Load())
	}
	for i := range 2 {
		if errs[i] != nil || results[i].Dirs[hosting.UsageHome] != 127 {
			t.Errorf("rescan %d = %+v, %v", i, results[i], errs[i])
		}
	}
}

// joined returns how many callers wait on the account's running rescan.
func (k *Keeper) joined(id int64) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s := k.scans[id]; s != nil {
		return s.waiters
	}
	return 0
}

// A mark left by a process that is gone makes Repair rescan the account
// and remove the mark; the keeper's own marks are left alone.
func TestRepair(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	const gone, self = 41, 42
	for _, node := range []int64{gone, self} {
		if _, err := e.db.ChangeUsage(ctx, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: e.acct.ID}, Node: node, Mark: 1}); err != nil {
			t.Fatal(err)
		}
	}
	k := e.keeper(t, Config{Node: func() int64 { return self }})
	if n, err := k.Repair(ctx); n != 1 || err != nil {
		t.Fatalf("Repair = %d, %v; want 1 account", n, err)
	}
	if c := e.counts(t); c.Dirs[hosting.UsageHome] != 127 {
		t.Errorf("counts after repair %+v", c)
	}
	if n, err := k.Repair(ctx); n != 0 || err != nil {
		t.Errorf("second Repair = %d, %v; want nothing to do", n, err)
	}
	if e.walks.Load() != 1 {
		t.Errorf("%d walks, want 1", e.walks.Load())
	}
}

func TestSum(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	mustWrite(t, filepath.Join(e.acct.HomeDir, "deep", strings.Repeat("d/", 20), "f"), 5)
	if err := os.Symlink("public_ftp", filepath.Join(e.acct.HomeDir, "link")); err != nil {
		t.Fatal(err)
	}
	root, err := os.OpenRoot(e.acct.HomeDir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		rel      string
		maxDepth int
		want     int64
		err      error
	}{
		{"tree", context.Background(), "public_ftp", 0, 20, nil},
		{"symlink not followed", context.Background(), "link", 0, 0, nil},
		{"missing", context.Background(), "nothing", 0, 0, nil},
		{"too deep", context.Background(), "deep", 10, 0, ErrTooLarge},
		{"deep within bounds", context.Background(), "deep", 0, 5, nil},
		{"cancelled", cancelled, "deep", 0, 0, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sum(tt.ctx, root, tt.rel, tt.maxDepth, 0)
			if got != tt.want || !errors.Is(err, tt.err) {
				t.Errorf("Sum = %d, %v; want %d, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// TestRepairRemovesTempFiles: an upload's temporary file that a dead
// process left is removed by the repair, found from its mark without a
// search, and the counts leave it out; a live process's is kept, and a
// change that ends cleanly leaves no record. The repair stores its counts
// only once the live process's change has ended: until then it is
// deferred (ErrBusy), and the dead process's mark stays.
func TestRepairRemovesTempFiles(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	const gone, self = 41, 42
	now := time.Now()
	other, err := e.db.RegisterNode(ctx, "other", now, now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// Shared: nodes are told apart by their heartbeats (PostgreSQL).
	dead := e.keeper(t, Config{Shared: true, Node: func() int64 { return gone }})
	alive := e.keeper(t, Config{Shared: true, Node: func() int64 { return other }})
	k := e.keeper(t, Config{Shared: true, Node: func() int64 { return self }, QuietWait: 100 * time.Millisecond})
	cut, live := hosting.UploadTempPrefix+"cut", hosting.UploadTempPrefix+"live"
	for _, f := range []struct {
		k    *Keeper
		name string
	}{{dead, cut}, {dead, "plain.txt"}, {alive, live}} {
		if err := f.k.Counter(e.acct, "site", e.login).Begin("deep/" + f.name); err != nil {
			t.Fatal(err)
		}
		mustWrite(t, filepath.Join(e.acct.HomeDir, "site/deep", f.name), 1000)
	}
	clean := k.Counter(e.acct, "", nil)
	if err := clean.Begin(hosting.UploadTempPrefix + "done"); err != nil {
		t.Fatal(err)
	}
	if err := clean.End(hosting.UploadTempPrefix+"done", 0); err != nil {
		t.Fatal(err)
	}
	if n, err := k.Repair(ctx); n != 0 || !errors.Is(err, ErrBusy) {
		t.Fatalf("Repair while a live node's change is under way = %d, %v; want it deferred (ErrBusy)", n, err)
	}
	for name, want := range map[string]bool{cut: false, "plain.txt": true, live: true} {
		_, err := os.Stat(filepath.Join(e.acct.HomeDir, "site/deep", name))
		if (err == nil) != want {
			t.Errorf("%s: exists %v, want %v (%v)", name, err == nil, want, err)
		}
	}
	left, err := e.db.UsageTempFiles(ctx, []hosting.UsageMark{{Node: gone, AccountID: e.acct.ID},
		{Node: other, AccountID: e.acct.ID}, {Node: self, AccountID: e.acct.ID}})
	if err != nil || len(left) != 2 || left[1] != "site/deep/"+live {
		t.Errorf("recorded temporary files %q, %v; want the dead process's left for the next repair, and the live upload's", left, err)
	}

	must(t, alive.Counter(e.acct, "site", e.login).End("deep/"+live, 0))
	alive.Settle(e.acct.ID)
	if n, err := k.Repair(ctx); n != 1 || err != nil {
		t.Fatalf("Repair = %d, %v; want 1 account", n, err)
	}
	if c := e.counts(t); c.Dirs[hosting.UsageHome] != 127+2000 || c.FTP[e.login.ID] != 7+2000 {
		t.Errorf("counts after repair %+v; want the files left on disk", c)
	}
	if left, err := e.db.UsageTempFiles(ctx, []hosting.UsageMark{{Node: gone, AccountID: e.acct.ID},
		{Node: other, AccountID: e.acct.ID}}); err != nil || len(left) != 0 {
		t.Errorf("recorded temporary files after the repair %q, %v", left, err)
	}
}

// A rescan joined by a second caller and then abandoned by the caller that
// started it (its request cancelled) does not fail the second: that one
// walks again and gets the counts.
func TestRescanJoinerOutlivesStarter(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	var walks atomic.Int64
	k := e.keeper(t, Config{OnWalk: func(int64) {
		if walks.Add(1) == 1 {
			close(started)
			<-release
		}
	}})
	first, cancel := context.WithCancel(context.Background())
	var firstErr error
	var wg sync.WaitGroup
	wg.Go(func() { _, firstErr = k.Rescan(first, e.acct) })
	<-started
	var got hosting.UsageCounts
	var err error
	wg.Go(func() { got, err = k.Rescan(context.Background(), e.acct) })
	for k.joined(e.acct.ID) < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	close(release)
	wg.Wait()
	if !errors.Is(firstErr, context.Canceled) {
		t.Errorf("the abandoned rescan = %v, want context.Canceled", firstErr)
	}
	if err != nil || got.Dirs[hosting.UsageHome] != 127 {
		t.Errorf("the joined rescan = %+v, %v; want the counts", got, err)
	}
	if n := walks.Load(); n != 2 {
		t.Errorf("%d walks, want 2", n)
	}
}
