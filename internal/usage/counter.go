package usage

import (
	"path"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// Counter returns the vfs.Counter of one session of acct whose Fs is rooted
// at base (relative to the home). login is the virtual FTP login whose
// quota applies, nil for the other logins (main, _logs, anonymous, Web
// Disk): their changes are counted in the account's directories only.
func (k *Keeper) Counter(acct *hosting.Account, base string, login *hosting.FTPAccount) vfs.Counter {
	c := &counter{k: k, acct: acct, base: path.Clean("/" + base)[1:]}
	if login != nil {
		c.ftpID, c.limit = login.ID, login.QuotaMB<<20 // MiB, as cPanel's ftpquota counts
	}
	return c
}

// counter is a session's vfs.Counter. Its changes go through the login's
// lease (lease.go), which writes to the store only to mark a run of
// changes, to refill or trim its pool, and to settle; a change outside a
// lease (a truncation through a file opened read-only) is one store
// transaction of its own.
type counter struct {
	k     *Keeper
	acct  *hosting.Account
	base  string
	ftpID int64
	limit int64
}

// scope returns the counters a change of rel (relative to the session's
// root) feeds: the login's, the home's, and public_ftp's when rel is in it,
// and which of the lease's pools it is counted in.
func (c *counter) scope(rel string) (hosting.UsageScope, int) {
	s := hosting.UsageScope{AccountID: c.acct.ID, FTPID: c.ftpID, Dirs: c.dirs(rel)}
	if len(s.Dirs) > 1 {
		return s, scopePublicFTP
	}
	return s, scopeHome
}

func (c *counter) dirs(rel string) []string {
	p := path.Join(c.base, rel)
	dirs := []string{hosting.UsageHome}
	if d := hosting.UsagePublicFTP; p == d || len(p) > len(d) && p[:len(d)+1] == d+"/" {
		dirs = append(dirs, d)
	}
	return dirs
}

func (c *counter) key() leaseKey { return leaseKey{account: c.acct.ID, ftp: c.ftpID} }

// Begin implements vfs.Counter: the login's lease is marked in the store
// (the mark a crash leaves behind) before Begin returns.
func (c *counter) Begin(rel string) error {
	s, pool := c.scope(rel)
	for {
		l := c.k.lease(c.key(), c.acct)
		ok, err := l.begin(pool, s)
		if !ok {
			continue
		}
		if err != nil {
			return err
		}
		return c.recordTemp(l, rel)
	}
}

// recordTemp records rel in the store, under the lease's mark, when it
// names an upload's temporary file. The record goes with the mark, when
// the lease settles: after the file was renamed into place or removed
// (see vfs.File.CloseThen), so a crash before leaves the record for the
// repair. If it cannot be recorded the change ends and the file is not
// made.
func (c *counter) recordTemp(l *lease, rel string) error {
	temp := c.tempFile(rel)
	if temp == "" {
		return nil
	}
	err := l.record(temp)
	if err != nil {
		_ = c.End(rel, 0)
	}
	return err
}

// Reserve implements vfs.Counter.
func (c *counter) Reserve(rel string, n int64) (int64, error) {
	s, pool := c.scope(rel)
	if l := c.k.held(c.key()); l != nil {
		if granted, ok, err := l.reserve(pool, s, n); ok {
			return granted, err
		}
	}
	g, err := c.k.change(c.acct, hosting.UsageChange{Scope: s, Reserve: n})
	return g.Reserved, err
}

// Release implements vfs.Counter.
func (c *counter) Release(rel string, n int64) error {
	if n <= 0 {
		return nil
	}
	return c.give(rel, n, false)
}

// End implements vfs.Counter: n goes to the lease's pool and the change
// ends; once the lease settles, its pool is released and its mark removed
// in one transaction. A failure leaves the mark in the store, and the
// account is rescanned as after a crash.
func (c *counter) End(rel string, n int64) error {
	return c.give(rel, n, true)
}

func (c *counter) give(rel string, n int64, end bool) error {
	s, pool := c.scope(rel)
	if l := c.k.held(c.key()); l != nil {
		if ok, err := l.give(pool, s, n, end, c.tempFile(rel)); ok {
			return err
		}
	}
	// Only a change that never began gets here (End always finds the
	// lease that Begin marked: a lease with changes under way stays).
	_, err := c.k.change(c.acct, hosting.UsageChange{Scope: s, Release: n})
	return err
}

// tempFile returns rel relative to the home when it names an upload's
// temporary file, which a crash would leave behind, and "" otherwise.
func (c *counter) tempFile(rel string) string {
	if !strings.HasPrefix(path.Base(rel), hosting.UploadTempPrefix) {
		return ""
	}
	return path.Join(c.base, rel)
}

// Move implements vfs.Counter. Within one root the login's count does not
// change; only a move into or out of public_ftp changes the directories'.
// A moved file's size moves with it; a moved directory's size is unknown
// without a walk, so the account is rescanned in the background.
func (c *counter) Move(from, to string, size int64, isDir bool) error {
	src, dst := c.dirs(from), c.dirs(to)
	if slices.Equal(src, dst) {
		return nil
	}
	if isDir {
		c.k.Schedule(c.acct)
		return nil
	}
	only := func(a, b []string) []string {
		var out []string
		for _, d := range a {
			if !slices.Contains(b, d) {
				out = append(out, d)
			}
		}
		return out
	}
	_, err := c.k.change(c.acct, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: c.acct.ID, Dirs: only(src, dst)}, Release: size})
	if err == nil {
		_, err = c.k.change(c.acct, hosting.UsageChange{Scope: hosting.UsageScope{AccountID: c.acct.ID, Dirs: only(dst, src)}, Reserve: size})
	}
	if err != nil {
		c.k.Schedule(c.acct)
	}
	return err
}

// Limit implements vfs.Counter.
func (c *counter) Limit() int64 { return c.limit }

var _ vfs.Counter = (*counter)(nil)
