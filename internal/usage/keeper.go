package usage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Defaults of Config.
const (
	DefaultMaxDepth       = 128
	DefaultMaxEntries     = 1_000_000
	DefaultRepairInterval = 5 * time.Minute
	DefaultDeadAfter      = 15 * time.Second
	// DefaultSettleAfter outlasts the pause of a client that uploads a
	// file every second or so (bench/soak's sessions: STOR, RETR, 1 s),
	// whose lease would otherwise settle and mark again for every file
	// (issue #11), and stays well under DefaultQuietWait, so that another
	// node's rescan still finds the account quiet once its clients pause.
	DefaultSettleAfter = 5 * time.Second
	DefaultQuietWait   = 20 * time.Second
	// backgroundScans bounds the rescans the Keeper runs on its own
	// (unscanned accounts, marks, moved directories) at once.
	backgroundScans = 2
	// storeTimeout bounds one counter update.
	storeTimeout = 10 * time.Second
)

// Config shapes a Keeper. Zero values take the defaults.
type Config struct {
	// MaxDepth and MaxEntries bound a rescan: a deeper or larger tree is
	// not rescanned (ErrTooLarge) and keeps its counts.
	MaxDepth   int
	MaxEntries int
	// RepairInterval is how often Start's loop looks for marks left by
	// processes that died and rescans their accounts.
	RepairInterval time.Duration
	// Shared is set when several nodes share the store (PostgreSQL): the
	// marks of another node are then stale only once its heartbeat is
	// older than DeadAfter. With SQLite every other process is dead.
	Shared    bool
	DeadAfter time.Duration
	// Node returns this process's node number (internal/cluster), which
	// owns its marks.
	Node func() int64
	// SettleAfter is how long a login's lease (lease.go) keeps its mark
	// and its pool of reserved bytes after its last change ends.
	SettleAfter time.Duration
	// QuietWait bounds how long one rescan waits for the account's
	// changes under way, on this node and (their marks) on other live
	// nodes, before it gives up with ErrBusy; a background rescan then
	// tries again later.
	QuietWait time.Duration
	// OnWalk, if set, is called as a rescan starts walking an account's
	// home: tests count walks with it.
	OnWalk func(accountID int64)
}

func (c *Config) defaults() {
	for _, d := range []struct{ p, def *int }{{&c.MaxDepth, ptr(DefaultMaxDepth)}, {&c.MaxEntries, ptr(DefaultMaxEntries)}} {
		if *d.p <= 0 {
			*d.p = *d.def
		}
	}
	if c.RepairInterval <= 0 {
		c.RepairInterval = DefaultRepairInterval
	}
	if c.DeadAfter <= 0 {
		c.DeadAfter = DefaultDeadAfter
	}
	if c.SettleAfter <= 0 {
		c.SettleAfter = DefaultSettleAfter
	}
	if c.QuietWait <= 0 {
		c.QuietWait = DefaultQuietWait
	}
	if c.Node == nil {
		c.Node = func() int64 { return 0 }
	}
}

func ptr(n int) *int { return &n }

// Store is what the Keeper needs from the database.
type Store interface {
	hosting.UsageStore
	FindAccountByID(ctx context.Context, id int64) (*hosting.Account, error)
	ListFTPAccounts(ctx context.Context, accountID int64) ([]*hosting.FTPAccount, error)
}

// Keeper keeps the disk-usage counters: it hands Counters to sessions,
// reads the counts for the API, and rescans. It is safe for concurrent use.
type Keeper struct {
	cfg   Config
	store Store
	log   *slog.Logger

	mu     sync.Mutex
	scans  map[int64]*scan // account id → the rescan running
	act    map[int64]*activity
	leases map[leaseKey]*lease
	queued map[int64]bool  // background rescans queued or running: account id → one more asked for
	stored *sync.Cond      // on mu: a rescan has stored an account's counts
	bg     context.Context // background rescans; ended by Close
	stop   context.CancelFunc
	wg     sync.WaitGroup
	slots  chan struct{} // backgroundScans
	onWait func(nodes []int64)
}

// scan is one running rescan; callers that join it wait on done.
type scan struct {
	done    chan struct{}
	waiters int // callers that joined, under Keeper.mu (for tests)
	counts  hosting.UsageCounts
	err     error
}

// New returns a Keeper over st.
func New(cfg Config, st Store, log *slog.Logger) *Keeper {
	cfg.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bg, stop := context.WithCancel(context.Background())
	k := &Keeper{cfg: cfg, store: st, log: log, scans: make(map[int64]*scan), act: make(map[int64]*activity), leases: make(map[leaseKey]*lease), queued: make(map[int64]bool), bg: bg,
		stop: stop, slots: make(chan struct{}, backgroundScans)}
	k.stored = sync.NewCond(&k.mu)
	return k
}

// Close stops the background rescans and waits for them, and settles the
// logins' leases; a change that ends after Close settles its lease at once.
func (k *Keeper) Close() error {
	k.stop()
	k.wg.Wait()
	k.settleLeases(func(int64) bool { return true })
	return nil
}

// Counts returns the account's counted usage without walking anything. An
// account never rescanned gets a rescan in the background, and its counts
// meanwhile hold only what was counted as it changed. The idle leases of
// the account on this node settle first, so that what they hold is not
// counted; another node's may still be, for up to SettleAfter.
func (k *Keeper) Counts(ctx context.Context, acct *hosting.Account) (hosting.UsageCounts, error) {
	k.Settle(acct.ID)
	c, err := k.store.UsageCounts(ctx, acct.ID)
	if err != nil {
		return c, err
	}
	if c.ScannedAt.IsZero() {
		k.Schedule(acct)
	}
	return c, nil
}

// HomeUsed returns the counted bytes of each account's home (by id) in one
// store read, without walking anything. An account never rescanned (new,
// or its count lost) gets a rescan in the background and reports
// meanwhile what was counted as it changed. Idle leases settle first, as
// for Counts. Marks left by a crash are
// repaired by Start and the repair loop, never in the caller's request.
func (k *Keeper) HomeUsed(ctx context.Context, accts []*hosting.Account) (map[int64]int64, error) {
	ids := make([]int64, len(accts))
	want := make(map[int64]bool, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
		want[a.ID] = true
	}
	k.settleLeases(func(id int64) bool { return want[id] })
	counts, err := k.store.HomeUsage(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(accts))
	for _, a := range accts {
		c := counts[a.ID]
		if !c.Scanned {
			k.Schedule(a)
		}
		out[a.ID] = c.Used
	}
	return out, nil
}

// Schedule rescans acct in the background, joining a rescan already
// running; at most a few background rescans run at once. An account is
// queued once: a Schedule while its rescan is queued or running only asks
// for one more rescan after it (the change that asked may have come after
// the walk), so API calls cannot pile up goroutines.
func (k *Keeper) Schedule(acct *hosting.Account) {
	k.mu.Lock()
	_, queued := k.queued[acct.ID]
	k.queued[acct.ID] = queued // when queued already: one more after it
	k.mu.Unlock()
	if queued {
		return
	}
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		for k.scheduled(acct) {
		}
	}()
}

// scheduled runs one background rescan of acct (retrying a busy account)
// and reports whether another was asked for meanwhile.
func (k *Keeper) scheduled(acct *hosting.Account) bool {
	err := k.retryBusy(acct)
	if err != nil && k.bg.Err() == nil {
		k.log.Warn("usage rescan failed", "account", acct.Name, "err", err)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if again := k.queued[acct.ID]; again && k.bg.Err() == nil {
		k.queued[acct.ID] = false
		return true
	}
	delete(k.queued, acct.ID)
	return false
}

// retryBusy rescans acct in a background slot, trying again later while
// the account is too busy to be walked; the slot is free meanwhile.
func (k *Keeper) retryBusy(acct *hosting.Account) error {
	for try := 0; ; try++ {
		select {
		case k.slots <- struct{}{}:
		case <-k.bg.Done():
			return nil
		}
		_, err := k.Rescan(k.bg, acct)
		<-k.slots
		if !errors.Is(err, ErrBusy) || try >= busyRetries {
			return err
		}
		select {
		case <-k.bg.Done():
			return nil
		case <-time.After(busyPause):
		}
	}
}

// Rescan sets the account's counts (home, public_ftp and every FTP login)
// to the bytes on disk, and removes the marks of dead processes on it. A
// rescan of an account already being rescanned waits for that one and
// returns its result. It stops when ctx ends and returns ErrTooLarge for a
// tree beyond the bounds, leaving the counts as they were; it returns
// ErrBusy when changes of the account on this node, or marks other live
// nodes hold on it, did not end within Config.QuietWait.
func (k *Keeper) Rescan(ctx context.Context, acct *hosting.Account) (hosting.UsageCounts, error) {
	for {
		counts, joined, err := k.rescanOrJoin(ctx, acct)
		// A joined walk stops with the context of the caller that started
		// it (an abandoned request); a waiter still wanting the result
		// starts, or joins, the next one.
		if joined && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			continue
		}
		return counts, err
	}
}

// rescanOrJoin waits for the account's running rescan (joined) or runs one.
func (k *Keeper) rescanOrJoin(ctx context.Context, acct *hosting.Account) (counts hosting.UsageCounts, joined bool, err error) {
	k.mu.Lock()
	if s := k.scans[acct.ID]; s != nil {
		s.waiters++
		k.mu.Unlock()
		select {
		case <-s.done:
			return s.counts, true, s.err
		case <-ctx.Done():
			return hosting.UsageCounts{}, true, ctx.Err()
		}
	}
	s := &scan{done: make(chan struct{})}
	k.scans[acct.ID] = s
	k.mu.Unlock()
	s.counts, s.err = k.rescan(ctx, acct)
	k.mu.Lock()
	delete(k.scans, acct.ID)
	k.mu.Unlock()
	close(s.done)
	return s.counts, false, s.err
}

// rescan walks the home once and stores what it found.
func (k *Keeper) rescan(ctx context.Context, acct *hosting.Account) (hosting.UsageCounts, error) {
	started := time.Now()
	log := k.log.With("account", acct.Name)
	marks, err := k.staleMarks(ctx, acct.ID)
	if err != nil {
		return hosting.UsageCounts{}, err
	}
	logins, err := k.store.ListFTPAccounts(ctx, acct.ID)
	if err != nil {
		return hosting.UsageCounts{}, err
	}
	if err := k.removeTempFiles(ctx, acct, marks, log); err != nil {
		return hosting.UsageCounts{}, err
	}
	log.Info("usage rescan started", "marks", len(marks))
	c, entries, err := k.walkAndStore(ctx, acct, logins, marks, log)
	if err != nil {
		log.Warn("usage rescan stopped", "entries", entries, "err", err)
		return c, err
	}
	log.Info("usage rescan done", "entries", entries, "bytes", c.Dirs[hosting.UsageHome],
		"took", time.Since(started).Round(time.Millisecond))
	return c, nil
}

// removeTempFiles removes the temporary files that the changes of dead
// processes recorded with their marks (uploads a crash cut), before the
// walk, so that the counts leave them out. Only names with the upload
// prefix are removed, inside the home.
func (k *Keeper) removeTempFiles(ctx context.Context, acct *hosting.Account, marks []hosting.UsageMark, log *slog.Logger) error {
	if len(marks) == 0 {
		return nil
	}
	files, err := k.store.UsageTempFiles(ctx, marks)
	if err != nil || len(files) == 0 {
		return err
	}
	root, err := os.OpenRoot(acct.HomeDir)
	if err != nil {
		return err
	}
	defer root.Close()
	for _, f := range files {
		if !strings.HasPrefix(path.Base(f), hosting.UploadTempPrefix) {
			continue
		}
		if err := root.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		log.Info("usage: removed the temporary file of an interrupted upload", "file", f)
	}
	return nil
}

// walkAndStore walks when no change of the account is under way on this
// node and no other live node holds a mark on it, and stores the counts
// it found unless a change began meanwhile, here or on any node: then it
// walks again, within Config.QuietWait in all. New changes of the account on this
// node wait while the counts are stored; another node's wait for the
// store's lock on the account's generation (see store.SetUsage), so the
// counts hold as of a point where no lease anywhere held anything.
func (k *Keeper) walkAndStore(ctx context.Context, acct *hosting.Account, logins []*hosting.FTPAccount, marks []hosting.UsageMark, log *slog.Logger) (hosting.UsageCounts, int, error) {
	deadline := time.Now().Add(k.cfg.QuietWait)
	for {
		started := time.Now()
		before, gen, err := k.waitQuiet(ctx, acct.ID, deadline, log)
		if err != nil {
			return hosting.UsageCounts{}, 0, err
		}
		c, entries, err := k.walk(ctx, acct, logins, log)
		if err != nil {
			return c, entries, err
		}
		c.ScannedAt = started
		fence := hosting.UsageFence{Generation: gen, Self: k.cfg.Node(), Clear: marks}
		if ok, err := k.storeCounts(ctx, acct.ID, c, before, fence); ok || err != nil {
			return c, entries, err
		}
		log.Info("usage rescan again: the account changed while it was walked")
	}
}

// storeCounts stores a walk's counts if no change of the account began on
// this node since began, and the store finds none began on another
// (fence); ok is false when one did.
func (k *Keeper) storeCounts(ctx context.Context, accountID int64, c hosting.UsageCounts, began uint64, fence hosting.UsageFence) (ok bool, err error) {
	release, ok := k.holdChanges(accountID, began)
	if !ok {
		return false, nil
	}
	defer release()
	fence.LiveSince = k.liveSince()
	err = k.store.SetUsage(ctx, accountID, c, fence)
	if errors.Is(err, hosting.ErrUsageMoved) {
		return false, nil
	}
	return err == nil, err
}

// walk sums the account's counted directories and logins' homes.
func (k *Keeper) walk(ctx context.Context, acct *hosting.Account, logins []*hosting.FTPAccount, log *slog.Logger) (hosting.UsageCounts, int, error) {
	if k.cfg.OnWalk != nil {
		k.cfg.OnWalk(acct.ID)
	}
	c := hosting.UsageCounts{Dirs: map[string]int64{}, FTP: map[int64]int64{}}
	dirs := make(map[string]*int64)
	ftp := make(map[int64]*int64)
	sinks := make(map[string][]*int64)
	for _, d := range hosting.UsageDirs() {
		dirs[d] = new(int64)
		sinks[d] = append(sinks[d], dirs[d])
	}
	for _, f := range logins {
		ftp[f.ID] = new(int64)
		rel := path.Clean("/" + f.HomeDir)[1:]
		sinks[rel] = append(sinks[rel], ftp[f.ID])
	}
	w := &walker{ctx: ctx, maxDepth: k.cfg.MaxDepth, maxEntries: k.cfg.MaxEntries, sinks: sinks, lastReport: time.Now(),
		progress: func(entries int, bytes int64) {
			log.Info("usage rescan progress", "entries", entries, "bytes", bytes)
		}}
	root, err := os.OpenRoot(acct.HomeDir)
	if err != nil {
		return c, 0, fmt.Errorf("usage: open home of %s: %w", acct.Name, err)
	}
	defer root.Close()
	if err := w.walk(root, "", 0, nil); err != nil {
		return c, w.entries, err
	}
	for d, n := range dirs {
		c.Dirs[d] = *n
	}
	for id, n := range ftp {
		c.FTP[id] = *n
	}
	return c, w.entries, nil
}
