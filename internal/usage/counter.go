package usage

import (
	"context"
	"path"
	"slices"

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

// counter is a session's vfs.Counter: each call is one store transaction.
type counter struct {
	k     *Keeper
	acct  *hosting.Account
	base  string
	ftpID int64
	limit int64
}

// scope returns the counters a change of rel (relative to the session's
// root) feeds: the login's, the home's, and public_ftp's when rel is in it.
func (c *counter) scope(rel string) hosting.UsageScope {
	return hosting.UsageScope{AccountID: c.acct.ID, FTPID: c.ftpID, Dirs: c.dirs(rel)}
}

func (c *counter) dirs(rel string) []string {
	p := path.Join(c.base, rel)
	dirs := []string{hosting.UsageHome}
	if d := hosting.UsagePublicFTP; p == d || len(p) > len(d) && p[:len(d)+1] == d+"/" {
		dirs = append(dirs, d)
	}
	return dirs
}

func (c *counter) change(ch hosting.UsageChange) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	ch.Node = c.k.cfg.Node()
	n, err := c.k.store.ChangeUsage(ctx, ch)
	if err != nil {
		c.k.log.Error("usage: count change", "account", c.acct.Name, "err", err)
	}
	return n, err
}

// Begin implements vfs.Counter: the mark a crash leaves behind.
func (c *counter) Begin(rel string) error {
	c.k.changeBegan(c.acct.ID)
	_, err := c.change(hosting.UsageChange{Scope: hosting.UsageScope{AccountID: c.acct.ID}, Mark: 1})
	if err != nil {
		c.k.changeEnded(c.acct.ID)
	}
	return err
}

// Reserve implements vfs.Counter.
func (c *counter) Reserve(rel string, n int64) (int64, error) {
	return c.change(hosting.UsageChange{Scope: c.scope(rel), Reserve: n})
}

// Release implements vfs.Counter.
func (c *counter) Release(rel string, n int64) error {
	if n <= 0 {
		return nil
	}
	_, err := c.change(hosting.UsageChange{Scope: c.scope(rel), Release: n})
	return err
}

// End implements vfs.Counter: the release and the unmarking in one
// transaction. The change counts as under way until then, also when the
// store fails (the mark then stays, and the account is rescanned as after
// a crash).
func (c *counter) End(rel string, n int64) error {
	defer c.k.changeEnded(c.acct.ID)
	_, err := c.change(hosting.UsageChange{Scope: c.scope(rel), Release: n, Mark: -1})
	return err
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
	_, err := c.change(hosting.UsageChange{Scope: hosting.UsageScope{AccountID: c.acct.ID, Dirs: only(src, dst)}, Release: size})
	if err == nil {
		_, err = c.change(hosting.UsageChange{Scope: hosting.UsageScope{AccountID: c.acct.ID, Dirs: only(dst, src)}, Reserve: size})
	}
	if err != nil {
		c.k.Schedule(c.acct)
	}
	return err
}

// Limit implements vfs.Counter.
func (c *counter) Limit() int64 { return c.limit }

var _ vfs.Counter = (*counter)(nil)
