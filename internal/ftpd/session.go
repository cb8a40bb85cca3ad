package ftpd

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// session is one logged-in FTP connection.
type session struct {
	id        int64
	accountID int64
	login     string // normalised
	remote    string // client IP
	loginTime time.Time
	welcome   string // shown with the 230 reply
	log       *slog.Logger
	fs        *vfs.Fs
	closeConn func() error // closes the control connection
	reg       *Registry    // told of status changes, for its Observer

	mu     sync.Mutex
	status string
	file   string

	endOnce sync.Once
}

// transfer is the vfs hook that shows a running transfer in list_sessions.
func (s *session) transfer(name string, write bool) func() {
	status := hosting.FTPDownload
	if write {
		status = hosting.FTPUpload
	}
	s.setStatus(status, name)
	return func() { s.setStatus(hosting.FTPIdle, "") }
}

func (s *session) setStatus(status, file string) {
	s.mu.Lock()
	s.status, s.file = status, file
	s.mu.Unlock()
	if s.reg != nil {
		s.reg.changed(s)
	}
}

func (s *session) snapshot() hosting.FTPSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	return hosting.FTPSession{ID: s.id, AccountID: s.accountID, Login: s.login, RemoteAddr: s.remote,
		LoginTime: s.loginTime, Status: s.status, File: s.file}
}

// kill closes the session at once: the control connection, which makes
// ftpserverlib close the data connection too, and every open file, which
// stops a transfer even while the command loop waits for it.
func (s *session) kill() {
	if err := s.closeConn(); err != nil {
		s.log.Debug("ftp: close killed connection", "err", err)
	}
	s.end()
}

// end closes the session's files, which counts their usage; it runs once,
// on kill or on disconnect, whichever comes first.
func (s *session) end() {
	s.endOnce.Do(func() {
		if err := s.fs.Close(); err != nil {
			s.log.Error("ftp: close session files", "err", err)
		}
	})
}

// Registry holds every live FTP session of a server, indexed by hosting
// account so that one account can only ever reach its own. It implements
// hosting.FTPSessions and is safe for concurrent use.
type Registry struct {
	mu       sync.RWMutex
	accounts map[int64]map[int64]*session // account id → session id → session
	observer Observer
}

// Observer is told of every change to a Registry's sessions, so that a
// cluster can record them where other nodes see them. Its methods are
// called outside the registry's lock, from the sessions' goroutines, and
// must not block. A SessionChanged may race with the SessionEnded of a
// session being torn down: the registry itself is the truth.
type Observer interface {
	// SessionStarted is called once a session has logged in.
	SessionStarted(s hosting.FTPSession)
	// SessionChanged is called when a session starts or ends a transfer.
	SessionChanged(s hosting.FTPSession)
	// SessionEnded is called once a session has left the registry, by
	// logout, disconnection or kill.
	SessionEnded(s hosting.FTPSession)
}

// SetObserver makes o the registry's observer (nil for none). Set it before
// the server starts, or the sessions already live are never announced.
func (r *Registry) SetObserver(o Observer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.observer = o
}

func (r *Registry) observe() Observer {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.observer
}

// changed tells the observer of a status change of a session still live.
func (r *Registry) changed(s *session) {
	r.mu.RLock()
	o, live := r.observer, r.accounts[s.accountID][s.id] == s
	r.mu.RUnlock()
	if o != nil && live {
		o.SessionChanged(s.snapshot())
	}
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{accounts: make(map[int64]map[int64]*session)}
}

// addWithin registers s unless its login already has maxPerLogin sessions
// (0: no limit); the count and the registration are one step, so that
// logins racing each other cannot pass the limit together.
func (r *Registry) addWithin(s *session, maxPerLogin int) bool {
	r.mu.Lock()
	if maxPerLogin > 0 && r.countLocked(s.accountID, s.login) >= maxPerLogin {
		r.mu.Unlock()
		return false
	}
	m := r.accounts[s.accountID]
	if m == nil {
		m = make(map[int64]*session)
		r.accounts[s.accountID] = m
	}
	m[s.id] = s
	o := r.observer
	r.mu.Unlock()
	if o != nil {
		o.SessionStarted(s.snapshot())
	}
	return true
}

func (r *Registry) countLocked(accountID int64, login string) int {
	n := 0
	for _, s := range r.accounts[accountID] {
		if s.login == login {
			n++
		}
	}
	return n
}

func (r *Registry) remove(s *session) {
	r.mu.Lock()
	removed := r.removeLocked(s)
	o := r.observer
	r.mu.Unlock()
	if o != nil && removed {
		o.SessionEnded(s.snapshot())
	}
}

// removeLocked reports whether s was still registered.
func (r *Registry) removeLocked(s *session) bool {
	m := r.accounts[s.accountID]
	if m[s.id] != s {
		return false
	}
	delete(m, s.id)
	if len(m) == 0 {
		delete(r.accounts, s.accountID)
	}
	return true
}

// ListFTPSessions returns the account's live sessions ordered by ID.
func (r *Registry) ListFTPSessions(_ context.Context, accountID int64) ([]hosting.FTPSession, error) {
	r.mu.RLock()
	list := make([]hosting.FTPSession, 0, len(r.accounts[accountID]))
	for _, s := range r.accounts[accountID] {
		list = append(list, s.snapshot())
	}
	r.mu.RUnlock()
	slices.SortFunc(list, func(a, b hosting.FTPSession) int { return cmp.Compare(a.ID, b.ID) })
	return list, nil
}

// KillFTPSessions closes the account's sessions that f selects (Login is
// compared in normalised form: "anonymous" is "ftp"), at once, idle or
// mid-transfer: the client sees its connections close. It returns how many
// it closed. Sessions of other accounts are never selected.
func (r *Registry) KillFTPSessions(_ context.Context, accountID int64, f hosting.FTPSessionFilter) (int, error) {
	login := normaliseLogin(f.Login)
	r.mu.Lock()
	var victims []*session
	for _, s := range r.accounts[accountID] {
		if (f.ID == 0 || s.id == f.ID) && (login == "" || s.login == login) {
			victims = append(victims, s)
			r.removeLocked(s)
		}
	}
	r.mu.Unlock()
	o := r.observe()
	for _, s := range victims {
		s.log.Info("ftp session killed")
		s.kill()
		if o != nil {
			o.SessionEnded(s.snapshot())
		}
	}
	return len(victims), nil
}

// KillLogin closes every session of one login of the account, for an FTP
// account that was deleted or got a new password.
func (r *Registry) KillLogin(ctx context.Context, accountID int64, login string) (int, error) {
	if strings.TrimSpace(login) == "" {
		return 0, nil // an empty filter would select every session
	}
	return r.KillFTPSessions(ctx, accountID, hosting.FTPSessionFilter{Login: login})
}

// KillAccount closes every session of the account, for an account that was
// suspended, deleted or got a new password.
func (r *Registry) KillAccount(ctx context.Context, accountID int64) (int, error) {
	return r.KillFTPSessions(ctx, accountID, hosting.FTPSessionFilter{})
}

// killIdle closes every session that is not transferring and reports how
// many sessions (transferring ones) remain, for a graceful shutdown.
func (r *Registry) killIdle() int {
	r.mu.Lock()
	var idle []*session
	left := 0
	for _, byID := range r.accounts {
		for _, s := range byID {
			if s.snapshot().Status == hosting.FTPIdle {
				idle = append(idle, s)
				r.removeLocked(s)
			} else {
				left++
			}
		}
	}
	r.mu.Unlock()
	o := r.observe()
	for _, s := range idle {
		s.kill()
		if o != nil {
			o.SessionEnded(s.snapshot())
		}
	}
	return left
}

// killAll closes every session of every account.
func (r *Registry) killAll() {
	r.mu.Lock()
	var ids []int64
	for id := range r.accounts {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	for _, id := range ids {
		_, _ = r.KillAccount(context.Background(), id)
	}
}

var _ hosting.FTPSessions = (*Registry)(nil)
