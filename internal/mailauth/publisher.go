package mailauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/uapid/uapid/internal/hosting"
)

// Config says where the files go and whom the mailboxes belong to.
type Config struct {
	// Dir holds one passwd-file per domain, e.g. DATA_DIR/mail/passwd.d. It
	// is created (mode 0750) if missing.
	Dir string
	// UID and GID are the owner Dovecot accesses every maildir as; 0 means
	// the uapid process's own. Dovecot refuses uid and gid 0, so a uapid
	// running as root must name another user and group (e.g. "vmail").
	UID, GID int
	// FileGID, when positive, becomes the group of Dir and of every file,
	// so that Dovecot's auth process (user dovecot) can read them through
	// the group: give the dovecot group, and run uapid as root or as a
	// member of that group.
	FileGID int
}

// Store is what the publisher reads: accounts (home, suspension) and their
// mailboxes. *store.DB implements it.
type Store interface {
	FindAccountByDomain(ctx context.Context, domain string) (*hosting.Account, error)
	ListAccounts(ctx context.Context) ([]*hosting.Account, error)
	ListEmailAccounts(ctx context.Context, accountID int64) ([]*hosting.EmailAccount, error)
	ListDomainEmailAccounts(ctx context.Context, domain string) ([]*hosting.EmailAccount, error)
}

// Publisher writes the passwd-files. It is safe for concurrent use: writes
// are serialised and each reads the store after taking the lock, so the
// last publish of a domain always reflects every change committed before it.
type Publisher struct {
	cfg   Config
	store Store
	log   *slog.Logger
	mu    sync.Mutex
}

// New checks cfg, creates the directory and returns the publisher. It does
// not publish anything: call PublishAll at start-up.
func New(cfg Config, store Store, log *slog.Logger) (*Publisher, error) {
	if cfg.Dir == "" || !filepath.IsAbs(cfg.Dir) || store == nil {
		return nil, fmt.Errorf("mailauth: New needs an absolute directory and a store")
	}
	if cfg.UID == 0 {
		cfg.UID = os.Getuid()
	}
	if cfg.GID == 0 {
		cfg.GID = os.Getgid()
	}
	if cfg.UID <= 0 || cfg.GID <= 0 {
		return nil, fmt.Errorf("mailauth: mailboxes would belong to uid %d gid %d, which Dovecot refuses: configure a mail user and group", cfg.UID, cfg.GID)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := makeDir(cfg.Dir, cfg.FileGID); err != nil {
		return nil, err
	}
	return &Publisher{cfg: cfg, store: store, log: log}, nil
}

func makeDir(dir string, gid int) error {
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("mailauth: create %s: %w", dir, err)
	}
	if gid > 0 {
		if err := os.Chown(dir, -1, gid); err != nil {
			return fmt.Errorf("mailauth: chgrp %s: %w", dir, err)
		}
	}
	// MkdirAll's mode passes through the umask, and an existing directory
	// keeps whatever it had.
	if err := os.Chmod(dir, dirMode); err != nil {
		return fmt.Errorf("mailauth: chmod %s: %w", dir, err)
	}
	return nil
}

// Owner returns the uid and gid Dovecot accesses the maildirs as, so that
// whoever creates a maildir can give it to them.
func (p *Publisher) Owner() (uid, gid int) { return p.cfg.UID, p.cfg.GID }

// Path returns the file that holds domain's mailboxes.
func (p *Publisher) Path(domain string) string { return filepath.Join(p.cfg.Dir, domain) }

// PublishDomain rewrites domain's file from the store: its owner's
// mailboxes, or none when the domain has none or no owner.
func (p *Publisher) PublishDomain(ctx context.Context, domain string) error {
	name, err := fileName(domain)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	root, err := p.openDir()
	if err != nil {
		return err
	}
	defer root.Close()
	acct, err := p.store.FindAccountByDomain(ctx, domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return p.empty(root, name)
	} else if err != nil {
		return fmt.Errorf("mailauth: publish %s: %w", domain, err)
	}
	mailboxes, err := p.store.ListDomainEmailAccounts(ctx, domain)
	if err != nil {
		return fmt.Errorf("mailauth: publish %s: %w", domain, err)
	}
	if err := p.write(root, name, p.entries(acct, mailboxes)); err != nil {
		return err
	}
	p.log.DebugContext(ctx, "mail domain published", "domain", domain, "account", acct.Name, "mailboxes", len(mailboxes))
	return nil
}

// PublishAll rewrites every domain's file from the store, empties the files
// of domains that have no mailboxes left and removes temporary files of
// writes a crash interrupted. It keeps going after a failure and reports
// them all.
func (p *Publisher) PublishAll(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	root, err := p.openDir()
	if err != nil {
		return err
	}
	defer root.Close()
	accts, err := p.store.ListAccounts(ctx)
	if err != nil {
		return fmt.Errorf("mailauth: publish all: %w", err)
	}
	keep := map[string]bool{}
	var errs []error
	for _, acct := range accts {
		if err := p.publishAccount(ctx, root, acct, keep); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		// Sweep only after a complete pass: a domain whose listing failed
		// must keep its old file rather than lose every login.
		errs = append(errs, p.sweep(root, keep))
	}
	p.log.InfoContext(ctx, "mail domains published", "domains", len(keep), "dir", p.cfg.Dir)
	return errors.Join(errs...)
}

// publishAccount writes the file of every domain of acct that has
// mailboxes and records the domain in keep.
func (p *Publisher) publishAccount(ctx context.Context, root *os.Root, acct *hosting.Account, keep map[string]bool) error {
	mailboxes, err := p.store.ListEmailAccounts(ctx, acct.ID)
	if err != nil {
		return fmt.Errorf("mailauth: publish account %s: %w", acct.Name, err)
	}
	byDomain := map[string][]*hosting.EmailAccount{}
	for _, e := range mailboxes {
		byDomain[e.Domain] = append(byDomain[e.Domain], e)
	}
	var errs []error
	for domain, es := range byDomain {
		name, err := fileName(domain)
		if err == nil {
			keep[name] = true
			err = p.write(root, name, p.entries(acct, es))
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// entries turns the owner's mailboxes into entries; a mailbox of another
// account (the domain changed hands between two reads) is left out.
func (p *Publisher) entries(acct *hosting.Account, mailboxes []*hosting.EmailAccount) []entry {
	out := make([]entry, 0, len(mailboxes))
	for _, e := range mailboxes {
		if e.AccountID == acct.ID {
			out = append(out, newEntry(acct, e, p.cfg.UID, p.cfg.GID))
		}
	}
	return out
}

// write replaces name with the entries; with none, an existing file is
// emptied and a missing one is not created (Dovecot answers "unknown user"
// for a missing file).
func (p *Publisher) write(root *os.Root, name string, entries []entry) error {
	if len(entries) == 0 {
		return p.empty(root, name)
	}
	body, err := render(entries)
	if err != nil {
		return err
	}
	return p.replace(root, name, body)
}
