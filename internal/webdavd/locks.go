package webdavd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/net/webdav"
)

// condLocks is the lock system of one request, over its login's lockTable.
//
// It completes x/net/webdav's in-memory lock system: webdav.NewMemLS
// confirms an If-header list as soon as one of its lock tokens matches,
// ignoring the list's ETag and "Not" conditions (its own TODO). condLocks
// evaluates those first, so that a PUT whose If header names a stale ETag
// fails with 412 as RFC 4918 section 10.4 requires.
//
// In a LOCK request (client set), Create takes the client's lock within
// the table's limits and remembers a refusal, which x/net/webdav can only
// answer 500, so that lockWriter answers it with its own status.
type condLocks struct {
	webdav.LockSystem // the table's memory lock system
	table             *lockTable
	fs                *fileSystem
	client            bool
	refused           *limitError
}

// newCondLocks returns the lock system of request r on table.
func newCondLocks(r *http.Request, table *lockTable, fs *fileSystem) *condLocks {
	return &condLocks{LockSystem: table.mem, table: table, fs: fs, client: r.Method == "LOCK"}
}

// Create implements webdav.LockSystem: a client's lock in a LOCK request,
// a request's own zero-depth lock otherwise.
func (l *condLocks) Create(now time.Time, d webdav.LockDetails) (string, error) {
	if !l.client {
		return l.LockSystem.Create(now, d)
	}
	token, err := l.table.create(now, d)
	if le, ok := err.(*limitError); ok {
		l.refused = le
	}
	return token, err
}

// Refresh implements webdav.LockSystem.
func (l *condLocks) Refresh(now time.Time, token string, d time.Duration) (webdav.LockDetails, error) {
	return l.table.refresh(now, token, d)
}

// Unlock implements webdav.LockSystem.
func (l *condLocks) Unlock(now time.Time, token string) error {
	return l.table.unlock(now, token)
}

// Confirm implements webdav.LockSystem. conditions are one list of the If
// header, all of which must hold for name0.
func (l *condLocks) Confirm(now time.Time, name0, name1 string, conditions ...webdav.Condition) (func(), error) {
	var tokens []webdav.Condition
	for _, c := range conditions {
		switch {
		case c.ETag != "":
			if (l.etag(name0) == c.ETag) == c.Not {
				return nil, webdav.ErrConfirmationFailed
			}
		case c.Not:
			if l.holds(now, name0, c.Token) {
				return nil, webdav.ErrConfirmationFailed
			}
		default:
			tokens = append(tokens, c)
		}
	}
	if len(tokens) > 0 {
		return l.LockSystem.Confirm(now, name0, name1, tokens...)
	}
	return l.unlocked(now, name0, name1)
}

// holds reports whether token is a lock covering name, which makes
// "Not <token>" false.
func (l *condLocks) holds(now time.Time, name, token string) bool {
	release, err := l.LockSystem.Confirm(now, name, "", webdav.Condition{Token: token})
	if err != nil {
		return false
	}
	release()
	return true
}

// unlocked confirms a list without lock tokens: it holds only if neither
// resource is locked, which it checks, as x/net/webdav does for a request
// without an If header, by taking zero-depth locks until the request ends.
func (l *condLocks) unlocked(now time.Time, names ...string) (func(), error) {
	var tokens []string
	release := func() {
		for _, t := range tokens {
			_ = l.LockSystem.Unlock(now, t)
		}
	}
	for _, name := range names {
		if name == "" {
			continue
		}
		t, err := l.LockSystem.Create(now, webdav.LockDetails{Root: name, Duration: -1, ZeroDepth: true})
		if err != nil {
			release()
			return nil, webdav.ErrConfirmationFailed
		}
		tokens = append(tokens, t)
	}
	return release, nil
}

// etag is the resource's ETag as x/net/webdav computes it for files that
// do not implement webdav.ETager (modification time and size, as Apache
// does), or "" when the resource does not exist.
func (l *condLocks) etag(name string) string {
	fi, err := l.fs.Stat(context.Background(), name)
	if err != nil {
		return ""
	}
	return fmt.Sprintf(`"%x%x"`, fi.ModTime().UnixNano(), fi.Size())
}

// lockWriter answers a LOCK that the lock table refused with the
// refusal's own status and message instead of x/net/webdav's 500.
type lockWriter struct {
	http.ResponseWriter
	locks   *condLocks
	replied bool
}

func (w *lockWriter) WriteHeader(code int) {
	if code != http.StatusInternalServerError || w.locks.refused == nil {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	e := w.locks.refused
	w.replied = true
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.ResponseWriter.WriteHeader(e.status)
	_, _ = io.WriteString(w.ResponseWriter, e.msg+"\n")
}

// Write drops x/net/webdav's "Internal Server Error" body after a refusal.
func (w *lockWriter) Write(p []byte) (int, error) {
	if w.replied {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *lockWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Interface guard.
var _ webdav.LockSystem = (*condLocks)(nil)
