package liveapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// Defaults of Config's zero fields.
const (
	DefaultMaxRequest = 1 << 20 // bytes in one request
	DefaultMaxConns   = 4       // connections one socket serves at once
)

// maxSocketPath is the longest path a Unix socket address holds on Linux
// (sun_path is 108 bytes with its terminating NUL).
const maxSocketPath = 107

// Config tunes LiveAPI sockets. Its zero value is ready to use.
type Config struct {
	// Dir is where each page's private socket directory is made; "" means
	// os.TempDir(). A socket's path must stay under 108 bytes, so keep it
	// short.
	Dir string
	// MaxRequest bounds one request in bytes; 0 means DefaultMaxRequest.
	MaxRequest int
	// MaxConns bounds the connections one socket serves at once; 0 means
	// DefaultMaxConns. Further connections are closed at once.
	MaxConns int
}

// Server opens LiveAPI sockets whose calls run through one engine. It holds
// no per-page state and is safe for concurrent use.
type Server struct {
	cfg Config
	eng *uapi.Engine
	log *slog.Logger
}

// New returns a server running calls through eng. log may be nil.
func New(cfg Config, eng *uapi.Engine, log *slog.Logger) *Server {
	if cfg.MaxRequest <= 0 {
		cfg.MaxRequest = DefaultMaxRequest
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, eng: eng, log: log}
}

// Socket is one page's LiveAPI socket: a Unix socket, mode 0600, alone in
// a directory of its own, mode 0700, that acts for one account.
type Socket struct {
	srv    *Server
	acct   *hosting.Account
	dir    string
	path   string
	ln     *net.UnixListener
	ctx    context.Context // calls run under it; Close cancels it
	cancel context.CancelFunc

	peerUID   int // the user a peer must run as: uapid's own unless Grant named another
	readyOnce sync.Once
	ready     chan struct{} // closed by AllowGroup
	pgid      int           // written before ready is closed

	mu     sync.Mutex
	conns  map[*net.UnixConn]struct{}
	closed bool
	wg     sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// Open makes a socket that acts for acct, and only acct, until Close.
// Calls run under ctx (give it the page's deadline). Connections wait
// until AllowGroup names the process group that may use the socket.
func (s *Server) Open(ctx context.Context, acct *hosting.Account) (*Socket, error) {
	if acct == nil {
		return nil, errors.New("liveapi: open a socket without an account")
	}
	dir, err := os.MkdirTemp(s.cfg.Dir, "uapid-live-") // mode 0700
	if err != nil {
		return nil, fmt.Errorf("liveapi: socket directory: %w", err)
	}
	path := filepath.Join(dir, "live.sock")
	if len(path) > maxSocketPath {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("liveapi: socket path %s is longer than %d bytes: choose a shorter directory", path, maxSocketPath)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err == nil {
		// The directory already keeps other users out; 0600 says so twice.
		err = os.Chmod(path, 0o600)
	}
	if err != nil {
		if ln != nil {
			_ = ln.Close()
		}
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("liveapi: listen on %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(true)
	own := *acct // fixed now: nothing the caller or a client does later changes it
	k := &Socket{srv: s, acct: &own, dir: dir, path: path, ln: ln, peerUID: os.Getuid(),
		ready: make(chan struct{}), conns: make(map[*net.UnixConn]struct{})}
	k.ctx, k.cancel = context.WithCancel(ctx)
	k.wg.Add(1)
	go k.accept()
	return k, nil
}

// Path returns the socket's path, for CPANEL_CONNECT_SOCKET.
func (k *Socket) Path() string { return k.path }

// Dir returns the socket's private directory. The page's files for this
// run (its chrome) may be kept there: Close removes them with it.
func (k *Socket) Dir() string { return k.dir }

// Grant hands the socket to uid, the user a sandboxed program runs as, and
// makes uid the only user whose processes it answers. The directory stays
// uapid's (uapid writes the page's files there and removes it); it becomes
// mode 0711, so uid can reach the socket by its path but not list or
// change the directory. Call Grant before the program starts.
func (k *Socket) Grant(uid int) error {
	if err := os.Lchown(k.path, uid, -1); err != nil {
		return fmt.Errorf("liveapi: grant %s to uid %d: %w", k.path, uid, err)
	}
	if err := os.Chmod(k.dir, 0o711); err != nil {
		return fmt.Errorf("liveapi: grant %s: %w", k.dir, err)
	}
	k.peerUID = uid
	return nil
}

// AllowGroup lets processes of process group pgid (the plugin program,
// started as a group leader, and its children) use the socket; any other
// peer is refused. Only the first call counts.
func (k *Socket) AllowGroup(pgid int) {
	k.readyOnce.Do(func() {
		k.pgid = pgid
		close(k.ready)
	})
}

// Close stops the socket: it removes the socket and its directory, closes
// every connection, cancels calls in flight and waits for them. A client
// that connects later finds no socket. Close may be called more than once.
func (k *Socket) Close() error {
	k.closeOnce.Do(func() {
		k.cancel()
		k.mu.Lock()
		k.closed = true
		for c := range k.conns {
			_ = c.Close()
		}
		k.mu.Unlock()
		err := k.ln.Close() // unlinks the socket file
		k.wg.Wait()
		k.closeErr = errors.Join(err, os.RemoveAll(k.dir))
		if k.closeErr != nil {
			k.closeErr = fmt.Errorf("liveapi: close %s: %w", k.path, k.closeErr)
		}
	})
	return k.closeErr
}

// accept serves connections until the listener closes.
func (k *Socket) accept() {
	defer k.wg.Done()
	for {
		c, err := k.ln.AcceptUnix()
		if err != nil {
			return
		}
		if !k.track(c) {
			_ = c.Close()
			continue
		}
		go k.serve(c)
	}
}

// track registers a connection, unless the socket is closing or serves as
// many as it may.
func (k *Socket) track(c *net.UnixConn) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed || len(k.conns) >= k.srv.cfg.MaxConns {
		return false
	}
	k.conns[c] = struct{}{}
	k.wg.Add(1)
	return true
}

func (k *Socket) untrack(c *net.UnixConn) {
	k.mu.Lock()
	delete(k.conns, c)
	k.mu.Unlock()
	_ = c.Close()
	k.wg.Done()
}
