package cluster_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/cluster"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/ftpd"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/store"
)

// fast is a cluster configuration that notices a dead node within seconds.
func fast(name string) cluster.Config {
	return cluster.Config{Name: name, HeartbeatInterval: 100 * time.Millisecond, DeadAfter: 2 * time.Second,
		StatusDelay: 50 * time.Millisecond, KillWait: 5 * time.Second}
}

// env is one installation: a database schema of its own and a directory
// of homes that every node sees (as NFS would share it), with two tenants:
// alice (domain alice.example, FTP login bob@alice.example) and carol.
type env struct {
	dsn          string
	base         string
	db           *store.DB
	alice, carol *hosting.Account
}

// mustPostgresEnv skips the test without UAPID_TEST_POSTGRES.
func mustPostgresEnv(t *testing.T) *env {
	t.Helper()
	return mustEnv(t, fixture.PostgresDSN(t, "several nodes"))
}

func mustEnv(tb testing.TB, dsn string) *env {
	tb.Helper()
	e := &env{dsn: dsn, base: tb.TempDir()}
	e.db = mustOpen(tb, dsn)
	e.alice = e.mustAccount(tb, "alice", "alice.example")
	e.carol = e.mustAccount(tb, "carol", "carol.example")
	mustMkdir(tb, filepath.Join(e.alice.HomeDir, "bob"))
	f := &hosting.FTPAccount{AccountID: e.alice.ID, User: "bob", Domain: "alice.example",
		PasswordHash: mustHash(tb, "bob-pass"), HomeDir: "bob"}
	if err := e.db.CreateFTPAccount(context.Background(), f); err != nil {
		tb.Fatal(err)
	}
	return e
}

// mustAccount creates an account whose password is NAME-pass.
func (e *env) mustAccount(tb testing.TB, name, domain string) *hosting.Account {
	tb.Helper()
	home := filepath.Join(e.base, "home", name)
	mustMkdir(tb, home)
	a := &hosting.Account{Name: name, PasswordHash: mustHash(tb, name+"-pass"), Domain: domain,
		Domains: []string{domain}, HomeDir: home, Features: hosting.AllFeatures()}
	if err := e.db.CreateAccount(context.Background(), a); err != nil {
		tb.Fatal(err)
	}
	return a
}

// node is one uapid node: its own store connection, FTP server and
// cluster membership.
type node struct {
	*cluster.Node
	db   *store.DB
	srv  *ftpd.Server
	addr string
	stop context.CancelFunc // stops the heartbeat without deregistering, as a crash would
}

// mustNode starts a node the way cmd/uapid wires one: the observer is set
// and the node started before the FTP server accepts its first login.
func (e *env) mustNode(tb testing.TB, cfg cluster.Config) *node {
	tb.Helper()
	db := mustOpen(tb, e.dsn)
	r := limiter.Rule{MaxFailures: 1000, Window: time.Minute, Block: time.Minute}
	lim := limiter.New(limiter.Config{PerAddress: r, PerAccount: r}, nil)
	srv, err := ftpd.New(ftpd.Config{Addr: "127.0.0.1:0"}, fixture.Authenticator(tb, db, lim, nil), fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	n, err := cluster.New(cfg, db, srv.Sessions(), fixture.Logger(tb).With("test_node", cfg.Name))
	if err != nil {
		tb.Fatal(err)
	}
	srv.Sessions().SetObserver(n)
	ctx, stop := context.WithCancel(context.Background())
	tb.Cleanup(stop)
	if err := n.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := n.Close(); err != nil {
			tb.Errorf("close node %s: %v", cfg.Name, err)
		}
	})
	// The server does not stop with the node's context: stop simulates a
	// node that stalls, not one whose clients go away.
	if err := srv.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return &node{Node: n, db: db, srv: srv, addr: srv.Addr().String(), stop: stop}
}

// list lists an account's sessions through the node.
func (n *node) list(tb testing.TB, accountID int64) []hosting.FTPSession {
	tb.Helper()
	list, err := n.ListFTPSessions(context.Background(), accountID)
	if err != nil {
		tb.Fatal(err)
	}
	for _, s := range list {
		if s.AccountID != accountID {
			tb.Fatalf("session %+v listed for account %d", s, accountID)
		}
	}
	return list
}

// kill kills through the node and fails on an error.
func (n *node) kill(tb testing.TB, accountID int64, f hosting.FTPSessionFilter) int {
	tb.Helper()
	k, err := n.KillFTPSessions(context.Background(), accountID, f)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// client is a logged-in FTP client and the socket under it, which tells
// whether the server closed the session.
type client struct {
	*ftp.ServerConn
	conn net.Conn
}

func mustLogin(tb testing.TB, addr, user, pass string) *client {
	tb.Helper()
	// The first connection dialled is the control connection; later ones
	// carry data.
	var ctrl net.Conn
	dial := func(network, address string) (net.Conn, error) {
		conn, err := net.DialTimeout(network, address, 10*time.Second)
		if err == nil && ctrl == nil {
			ctrl = conn
		}
		return conn, err
	}
	c, err := ftp.Dial(addr, ftp.DialWithDialFunc(dial), ftp.DialWithTimeout(10*time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = ctrl.Close() })
	if err := c.Login(user, pass); err != nil {
		tb.Fatalf("login %s: %v", user, err)
	}
	return &client{ServerConn: c, conn: ctrl}
}

// mustBeClosed fails unless the server has closed the client's control
// connection: the client reads EOF without sending anything. The deadline
// only turns a hang into a failure.
func (c *client) mustBeClosed(tb testing.TB, what string) {
	tb.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := c.conn.Read(make([]byte, 512)); !errors.Is(err, io.EOF) {
		tb.Fatalf("%s: read %d bytes, %v; want EOF", what, n, err)
	}
}

// mustBeAlive fails unless the server still answers the client.
func (c *client) mustBeAlive(tb testing.TB, what string) {
	tb.Helper()
	if err := c.NoOp(); err != nil {
		tb.Fatalf("%s: NOOP: %v", what, err)
	}
}

// waitFor polls cond until it holds; the deadline only turns a hang into a
// failure.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mustOpen(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

func mustMkdir(tb testing.TB, dir string) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
}

func mustHash(tb testing.TB, pass string) string {
	tb.Helper()
	h, err := password.Hash(pass)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}
