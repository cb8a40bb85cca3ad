package webdavd

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/net/webdav"
)

// condLocks completes x/net/webdav's in-memory lock system for one request:
// webdav.NewMemLS confirms an If-header list as soon as one of its lock
// tokens matches, ignoring the list's ETag and "Not" conditions (its own
// TODO). condLocks evaluates those first, so that a PUT whose If header
// names a stale ETag fails with 412 as RFC 4918 section 10.4 requires.
type condLocks struct {
	webdav.LockSystem
	fs *fileSystem
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

// Interface guard.
var _ webdav.LockSystem = (*condLocks)(nil)
