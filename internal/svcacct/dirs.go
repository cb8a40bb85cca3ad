package svcacct

import (
	"context"
	"errors"
	"log/slog"
	"os"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// Modes of the directories a service account's creation makes, as cPanel
// makes them (the home layout's own modes are homedir.Layout's).
const (
	// PublicMode is an FTP login's root, a Web Disk directory that is not
	// private, and every parent either makes.
	PublicMode os.FileMode = 0o755
	// PrivateMode is a private Web Disk directory, and a maildir with its
	// cur, new and tmp.
	PrivateMode os.FileMode = 0o700
	// MailDomainMode is a maildir's parent, mail/DOMAIN.
	MailDomainMode os.FileMode = 0o750
)

// Config is what a service tells Dirs about itself.
type Config struct {
	// Name names the service in log messages: "ftp", "web disk", "email".
	Name string
	// NewDirKind and DestroyKind are the kinds of the service's intents as
	// stored ("ftp.newdir", "ftp.destroy"): they must never change, or
	// intents an older version left are not repaired. DestroyKind is ""
	// for a service without destroy.
	NewDirKind, DestroyKind string
	// Users lists the accounts whose directories a removal must keep: the
	// service's own first, then every other service's that shares the
	// home.
	Users []Users
	// Rescans, if set, recounts an account's disk usage after a directory
	// was removed behind the file layer's back.
	Rescans Rescans
	// Locks are the per-account locks every new directory, destroy and
	// their repairs hold, shared with the other services of the process
	// (and UserManager), so that no removal takes a directory a concurrent
	// change of any of them made or adopted. nil: the Dirs' own, which
	// serialise this service's changes only (tests).
	Locks *Locks
	// Repaired, if set, runs after the repair of a new directory of an
	// account that still exists, with the domain the change recorded:
	// email publishes it to the mail server.
	Repaired func(ctx context.Context, domain string) error
	// Log may be nil.
	Log *slog.Logger
}

// Rescans schedules a background recount of an account's disk usage
// (internal/usage.Keeper).
type Rescans interface {
	Schedule(acct *hosting.Account)
}

// AccountFinder finds the hosting account an intent names: *store.DB.
type AccountFinder interface {
	FindAccountByID(ctx context.Context, id int64) (*hosting.Account, error)
}

// Dirs makes and removes one service's login directories.
type Dirs struct {
	cfg      Config
	journal  *intent.Journal // nil: no crash safety (tests)
	accounts AccountFinder   // with journal, for the repairs
}

// New returns the Dirs of the service cfg describes.
func New(cfg Config) *Dirs {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Locks == nil {
		cfg.Locks = NewLocks()
	}
	return &Dirs{cfg: cfg}
}

// UseJournal makes the changes crash-safe with j and registers their
// repairs. Call it before the service is used.
func (d *Dirs) UseJournal(j *intent.Journal, accounts AccountFinder) {
	d.journal, d.accounts = j, accounts
	j.Handle(d.cfg.NewDirKind, d.repairNewDir)
	if d.cfg.DestroyKind != "" {
		j.Handle(d.cfg.DestroyKind, d.repairDestroy)
	}
}

// lock holds the lock of the hosting account acct until the returned func
// runs (see Locks.Lock).
func (d *Dirs) lock(ctx context.Context, acct *hosting.Account) (func(), error) {
	return d.cfg.Locks.Lock(ctx, acct)
}

// find returns the hosting account an intent names, or nil when it is
// gone (its home went with it, so there is nothing left to repair).
func (d *Dirs) find(ctx context.Context, in *hosting.Intent) (*hosting.Account, error) {
	acct, err := d.accounts.FindAccountByID(ctx, in.AccountID)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, nil
	}
	return acct, err
}

// gone is the outcome of a repair whose account is gone.
const gone = "account gone with its home"

// errNoDir refuses to remove the home itself.
var errNoDir = errors.New("svcacct: refusing to remove the home itself")

// remove removes rel and everything below it, never following a symlink
// and never leaving the home, then has the account's usage recounted.
func (d *Dirs) remove(acct *hosting.Account, rel string) error {
	if rel == "" || rel == "." {
		return errNoDir
	}
	root, err := homedir.Open(acct)
	if err != nil {
		return err
	}
	defer root.Close()
	err = root.RemoveAll(rel)
	if d.cfg.Rescans != nil {
		d.cfg.Rescans.Schedule(acct) // the home may hold less
	}
	return err
}

// removeMade removes rel, a directory a change made, as far as it holds
// only directories (see removeMade), then has the account's usage
// recounted. kept names what keeps it.
func (d *Dirs) removeMade(acct *hosting.Account, rel string) (kept string, err error) {
	root, err := homedir.Open(acct)
	if err != nil {
		return "", err
	}
	defer root.Close()
	kept, err = removeMade(root, rel)
	if d.cfg.Rescans != nil {
		d.cfg.Rescans.Schedule(acct)
	}
	return kept, err
}
