package hosting

import (
	"context"
	"time"
)

// EmailAccount is a mailbox of a hosting account ("POP account" in cPanel):
// user@domain with its own password and quota. uapid does not deliver mail;
// it owns the mailbox's record, its maildir (MaildirPath, below the
// account's home) and publishes it to the mail server. The cPanel user's own
// mailbox is not stored: uapid does not publish it.
type EmailAccount struct {
	ID           int64
	AccountID    int64
	User         string // local part, lower-case
	Domain       string // one of the account's domains
	PasswordHash string // crypt(3) format
	QuotaMB      int64  // MiB; 0 means unlimited
	CreatedAt    time.Time
}

// Address returns "user@domain".
func (e *EmailAccount) Address() string { return e.User + "@" + e.Domain }

// Maildir returns the mailbox's maildir relative to the account's home.
func (e *EmailAccount) Maildir() string { return MaildirPath(e.User, e.Domain) }

// MaildirPath returns the maildir of user@domain relative to the account's
// home: cPanel's layout mail/DOMAIN/USER, holding cur, new and tmp. The
// mail module creates it and the mail server is told to use it, so both
// must agree on this one definition.
func MaildirPath(user, domain string) string { return "mail/" + domain + "/" + user }

// EmailAccountUpdate names the fields UpdateEmailAccount changes; nil fields
// are kept.
type EmailAccountUpdate struct {
	PasswordHash *string
	QuotaMB      *int64
}

// EmailAccountStore persists email accounts.
type EmailAccountStore interface {
	// CreateEmailAccount inserts e and sets e.ID and e.CreatedAt. Returns
	// ECONFLICT if user@domain exists and ENOTFOUND if the account does not
	// own the domain.
	CreateEmailAccount(ctx context.Context, e *EmailAccount) error
	// FindEmailAccount returns the account's mailbox user@domain or
	// ENOTFOUND.
	FindEmailAccount(ctx context.Context, accountID int64, user, domain string) (*EmailAccount, error)
	// ListEmailAccounts returns the account's mailboxes ordered by address.
	ListEmailAccounts(ctx context.Context, accountID int64) ([]*EmailAccount, error)
	// ListDomainEmailAccounts returns every mailbox on domain, whatever
	// account owns it, ordered by address (for publishing to the mail
	// server).
	ListDomainEmailAccounts(ctx context.Context, domain string) ([]*EmailAccount, error)
	// CountEmailAccounts returns how many mailboxes the account has.
	CountEmailAccounts(ctx context.Context, accountID int64) (int, error)
	// UpdateEmailAccount changes the fields set in upd. Returns ENOTFOUND.
	UpdateEmailAccount(ctx context.Context, id int64, upd EmailAccountUpdate) error
	// DeleteEmailAccount removes a mailbox record. Returns ENOTFOUND.
	DeleteEmailAccount(ctx context.Context, id int64) error
	// DeleteEmailAccountIntent is DeleteEmailAccount that also stores in (nil: none) in the same
	// transaction: the intent of what must follow the deletion.
	DeleteEmailAccountIntent(ctx context.Context, id int64, in *Intent) error
}
