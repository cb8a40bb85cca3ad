package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/uapid/uapid/internal/hosting"
)

// Defaults of Config.
const (
	DefaultHeartbeatInterval = 5 * time.Second
	DefaultDeadAfter         = 20 * time.Second
	DefaultStatusDelay       = time.Second
	DefaultKillWait          = 2 * time.Second
)

// dialectPostgres is store.DialectPostgres: the one dialect whose database
// several nodes share.
const dialectPostgres = "postgres"

// closeTimeout bounds the deregistration at Close.
const closeTimeout = 5 * time.Second

// Config configures a node. Zero durations take the defaults above.
type Config struct {
	// Name is the node's name in the nodes table (the operator's node_id);
	// empty means a random name at each start. Two live nodes cannot share
	// a name.
	Name string
	// HeartbeatInterval is how often the node says it is alive.
	HeartbeatInterval time.Duration
	// DeadAfter is how long after its last heartbeat a node counts as dead:
	// its sessions are no longer listed or killed. At least two heartbeats
	// and two seconds (heartbeats are stored to the second).
	DeadAfter time.Duration
	// StatusDelay is how long a transfer's status change may wait before it
	// is written; logins and logouts are written at once.
	StatusDelay time.Duration
	// KillWait bounds how long a kill waits for other nodes to close their
	// sessions.
	KillWait time.Duration
}

// validate fills in the defaults and checks the values.
func (c *Config) validate() error {
	for _, d := range []struct {
		p   *time.Duration
		def time.Duration
	}{{&c.HeartbeatInterval, DefaultHeartbeatInterval}, {&c.DeadAfter, DefaultDeadAfter},
		{&c.StatusDelay, DefaultStatusDelay}, {&c.KillWait, DefaultKillWait}} {
		if *d.p == 0 {
			*d.p = d.def
		} else if *d.p < 0 {
			return fmt.Errorf("cluster: negative duration %v", *d.p)
		}
	}
	if c.DeadAfter < 2*c.HeartbeatInterval || c.DeadAfter < 2*time.Second {
		return fmt.Errorf("cluster: dead_after %v must be at least two heartbeats (%v) and 2s", c.DeadAfter, c.HeartbeatInterval)
	}
	if c.Name == "" {
		c.Name = randomName()
	}
	if len(c.Name) > 63 || !printable(c.Name) {
		return fmt.Errorf("cluster: node name %q is not 1-63 printable characters", c.Name)
	}
	return nil
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// randomName names a node whose operator did not.
func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "node-" + hex.EncodeToString(b)
}

// Store is what a node keeps in the database; *store.DB implements it.
// Times are Unix seconds once stored.
type Store interface {
	// Dialect returns "sqlite" or "postgres".
	Dialect() string
	// RegisterNode records a node and returns its number, after removing
	// a dead node (heartbeat before deadBefore) of that name. Returns
	// ECONFLICT while a live node holds the name.
	RegisterNode(ctx context.Context, name string, at, deadBefore time.Time) (int64, error)
	// HeartbeatNode records that node id is alive; a removed node is
	// registered again and revived is true. Returns ECONFLICT if another
	// node took the name meanwhile.
	HeartbeatNode(ctx context.Context, id int64, name string, at time.Time) (revived bool, err error)
	// DeregisterNode removes a node and its sessions.
	DeregisterNode(ctx context.Context, id int64) error
	// DeleteDeadNodes removes nodes silent since before, with their sessions.
	DeleteDeadNodes(ctx context.Context, before time.Time) (int, error)
	// ReplaceNodeFTPSessions makes list the account's sessions on a node.
	// Returns ENOTFOUND if the node or the account is gone.
	ReplaceNodeFTPSessions(ctx context.Context, nodeID, accountID int64, list []hosting.FTPSession) error
	// ListLiveFTPSessions returns the account's sessions on nodes whose
	// heartbeat is at or after liveSince, ordered by ID.
	ListLiveFTPSessions(ctx context.Context, accountID int64, liveSince time.Time) ([]hosting.FTPSession, error)
	// Notify sends payload on channel (PostgreSQL only).
	Notify(ctx context.Context, channel, payload string) error
	// Listen calls fn with each payload sent on channel until ctx is done
	// or the connection fails; ready is called once listening.
	Listen(ctx context.Context, channel string, ready func(), fn func(payload string)) error
}

// Node is this process in the cluster. It implements hosting.FTPSessions,
// the Ftp module's Sessions (with KillLogin) and account.SessionCloser
// (KillAccount) over every live node, and ftpd.Observer for the local
// registry. Create it with New, then Start it; it is safe for concurrent
// use.
type Node struct {
	cfg    Config
	store  Store
	local  hosting.FTPSessions // nil when this node runs no FTP server
	log    *slog.Logger
	shared bool // the database is PostgreSQL: other nodes may exist

	id     int64 // set by Start, read-only afterwards
	writer *writer
	cancel context.CancelFunc
	wg     sync.WaitGroup
	close  sync.Once

	webdisk atomic.Pointer[webDiskHolder] // this process's Web Disk server, if any
}

// New returns a node over st and the local session registry (nil when this
// node runs no FTP server: it then lists and kills other nodes' sessions
// only). It fails on an invalid cfg.
func New(cfg Config, st Store, local hosting.FTPSessions, log *slog.Logger) (*Node, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if st == nil {
		return nil, errors.New("cluster: New needs a store")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := &Node{cfg: cfg, store: st, local: local, log: log.With("node", cfg.Name), shared: st.Dialect() == dialectPostgres}
	n.writer = newWriter(n)
	return n, nil
}

// Name returns the node's name.
func (n *Node) Name() string { return n.cfg.Name }

// ID returns the node's number, 0 before Start.
func (n *Node) ID() int64 { return n.id }

// Start registers the node, waiting up to DeadAfter and a heartbeat for a
// crashed node of the same name to time out (then it returns ECONFLICT),
// and on PostgreSQL starts listening for kills;
// once it returns, other nodes can reach this one. The heartbeat, the
// session writer and the listener run until ctx is done or Close.
func (n *Node) Start(ctx context.Context) error {
	id, err := n.register(ctx)
	if err != nil {
		return err
	}
	if id >= 1<<31 {
		return fmt.Errorf("cluster: node number %d leaves no room for session ids", id)
	}
	n.id = id
	bg, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	n.goBackground(func() { n.heartbeat(bg) })
	if !n.shared {
		n.log.Info("cluster: node registered", "number", id, "shared", false)
		return nil
	}
	n.goBackground(func() { n.writer.run(bg) })
	started := make(chan error, 1)
	n.goBackground(func() { n.listen(bg, started) })
	if err := <-started; err != nil {
		_ = n.Close()
		return err
	}
	n.log.Info("cluster: node registered", "number", id, "shared", true)
	return nil
}

// Close stops the background work and removes the node, with its sessions,
// from the database. It is safe to call more than once.
func (n *Node) Close() error {
	var err error
	n.close.Do(func() {
		if n.cancel == nil {
			return // never started
		}
		n.cancel()
		n.wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		defer cancel()
		err = n.store.DeregisterNode(ctx, n.id)
	})
	return err
}

func (n *Node) goBackground(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// register records the node. A node of the same name that crashed a moment
// ago still looks live, so a conflict is retried until that one is dead.
func (n *Node) register(ctx context.Context) (int64, error) {
	deadline := time.Now().Add(n.cfg.DeadAfter + n.cfg.HeartbeatInterval)
	for {
		now := time.Now()
		id, err := n.store.RegisterNode(ctx, n.cfg.Name, now, now.Add(-n.cfg.DeadAfter))
		if hosting.ErrorCode(err) != hosting.ECONFLICT || now.After(deadline) {
			return id, err
		}
		n.log.Warn("cluster: node name held by a node that looks live; waiting for it to time out")
		if err := sleep(ctx, n.cfg.HeartbeatInterval); err != nil {
			return 0, err
		}
	}
}

// heartbeat keeps the node live and removes the nodes that are long dead.
func (n *Node) heartbeat(ctx context.Context) {
	t := time.NewTicker(n.cfg.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n.beat(ctx)
		}
	}
}

func (n *Node) beat(ctx context.Context) {
	now := time.Now()
	revived, err := n.store.HeartbeatNode(ctx, n.id, n.cfg.Name, now)
	if err != nil {
		if ctx.Err() == nil {
			n.log.Error("cluster: heartbeat", "err", err)
		}
		return
	}
	if revived {
		n.log.Warn("cluster: this node had been taken for dead; registered again")
		n.writer.resync()
	}
	// Long dead, not just dead: a node that stalls for a moment gets its
	// sessions back by itself, without rewriting them all.
	if _, err := n.store.DeleteDeadNodes(ctx, now.Add(-3*n.cfg.DeadAfter)); err != nil && ctx.Err() == nil {
		n.log.Error("cluster: delete dead nodes", "err", err)
	}
}

// liveSince is the oldest heartbeat of a live node.
func (n *Node) liveSince() time.Time { return time.Now().Add(-n.cfg.DeadAfter) }

// sleep waits for d or until ctx is done, and then returns ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var _ hosting.FTPSessions = (*Node)(nil)
