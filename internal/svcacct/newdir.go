package svcacct

import (
	"context"
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// NewDirData is the data of a new directory's intent: stored before the
// directory is made, gone once the login's row is committed (or the
// directory removed again).
type NewDirData struct {
	Dir string `json:"dir"` // top-most directory made, relative to the home
	// Domain is the login's domain, for Config.Repaired (email).
	Domain string `json:"domain,omitempty"`
}

// NewDir is a login's directory to make before its row is committed.
type NewDir struct {
	Rel    string // relative to the home, cleaned; "" is the home itself
	Domain string // for Config.Repaired; may be ""
	// Make makes Rel below root and returns what it did, also when it
	// fails part-way, so that it can be undone.
	Make func(root *os.Root) (*Change, error)
}

// Change is what making a login's directory did, so that it can be undone
// when the commit fails.
type Change struct {
	Created  string      // top-most directory made, "" if none
	Chmod    string      // an existing directory whose mode changed, "" if none
	OldMode  os.FileMode // Chmod's mode before
	Warnings []string    // for the caller, when the change is committed
}

// undo removes what was created, unless something was put in it since
// (kept names it), and restores a changed mode.
func (c *Change) undo(root *os.Root) (kept string, err error) {
	switch {
	case c == nil:
		return "", nil
	case c.Created != "":
		return removeMade(root, c.Created)
	case c.Chmod != "":
		return "", root.Chmod(c.Chmod, c.OldMode)
	}
	return "", nil
}

// WithNewDir makes nd's directory below acct's home and runs commit; if
// either fails, the change is undone, so that a failed change leaves
// nothing half-made. An intent stored before the directory is made lets
// the repair remove it after a crash, and stays when the undo fails. It
// returns the Change once committed.
func (d *Dirs) WithNewDir(ctx context.Context, acct *hosting.Account, nd NewDir, commit func() error) (*Change, error) {
	unlock, err := d.lock(ctx, acct)
	if err != nil {
		return nil, err
	}
	defer unlock()
	root, err := homedir.Open(acct)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	in, err := d.recordNewDir(ctx, acct, root, nd)
	if err != nil {
		return nil, err
	}
	defer d.journal.Release(in)
	c, err := nd.Make(root)
	if err == nil {
		err = commit()
	}
	if err != nil {
		kept, uerr := c.undo(root)
		if uerr != nil {
			d.cfg.Log.ErrorContext(ctx, "undo "+d.cfg.Name+" directory change", "account", acct.Name, "dir", nd.Rel, "err", uerr)
			return nil, err // the intent stays: the repair removes the directory
		}
		if kept != "" {
			d.cfg.Log.WarnContext(ctx, "undo "+d.cfg.Name+" directory change: kept a directory it made, something was put in it since",
				"account", acct.Name, "dir", c.Created, "holds", kept)
		}
	}
	if ferr := d.journal.Finish(ctx, in); ferr != nil {
		d.cfg.Log.ErrorContext(ctx, "finish "+d.cfg.Name+" directory change", "account", acct.Name, "err", ferr)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// recordNewDir stores the intent of making nd.Rel when part of it is
// missing (nil when nothing will be made or there is no journal).
func (d *Dirs) recordNewDir(ctx context.Context, acct *hosting.Account, root *os.Root, nd NewDir) (*hosting.Intent, error) {
	top := homedir.FirstMissing(root, nd.Rel)
	if top == "" || d.journal == nil {
		return nil, nil
	}
	in, err := d.journal.Begin(d.cfg.NewDirKind, acct.ID, NewDirData{Dir: top, Domain: nd.Domain})
	if err != nil {
		return nil, err
	}
	if err := d.journal.Record(ctx, in); err != nil {
		d.journal.Release(in)
		return nil, err
	}
	return in, nil
}

// repairNewDir finishes a new directory's change a crash interrupted: the
// directory stays if an account's lies in it (the commit happened, or
// another service's account, made meanwhile, uses it), else it goes.
func (d *Dirs) repairNewDir(ctx context.Context, in *hosting.Intent) (string, error) {
	var nd NewDirData
	if err := intent.Decode(in, &nd); err != nil {
		return "", err
	}
	if nd.Dir == "" {
		return "nothing was made", nil // no change records the home itself
	}
	acct, err := d.find(ctx, in)
	if err != nil {
		return "", err
	} else if acct == nil {
		return gone, nil
	}
	unlock, err := d.lock(ctx, acct)
	if err != nil {
		return "", err
	}
	defer unlock()
	outcome, err := d.keepOrRemove(ctx, acct, nd.Dir)
	if err != nil {
		return "", err
	}
	if d.cfg.Repaired != nil {
		if err := d.cfg.Repaired(ctx, nd.Domain); err != nil {
			return "", err
		}
	}
	return outcome, nil
}

// keepOrRemove keeps dir if an account of cfg.Users uses it, and removes
// it otherwise, as far as it holds only the directories the change made: a
// late repair (of an undo that failed, retried while the server serves)
// must not take files uploaded since. The caller holds the account's lock.
func (d *Dirs) keepOrRemove(ctx context.Context, acct *hosting.Account, dir string) (string, error) {
	u, _, err := usedBy(ctx, acct.ID, dir, d.cfg.Users)
	if err != nil {
		return "", err
	}
	if u != nil {
		return "completed: " + dir + " belongs to " + u.login, nil
	}
	kept, err := d.removeMade(acct, dir)
	if err != nil {
		return "", err
	}
	if kept != "" {
		d.cfg.Log.WarnContext(ctx, "repair of a new "+d.cfg.Name+" directory: kept it, something was put in it since",
			"account", acct.Name, "dir", dir, "holds", kept)
		return "rolled back: " + dir + " kept, it holds " + kept + " put there since", nil
	}
	return "rolled back: " + dir + " removed", nil
}
