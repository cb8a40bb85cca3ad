package hosting

import (
	"context"
	"slices"
	"time"
)

// Features an account can be granted. Each UAPI function names the feature it
// needs; an account created without an explicit list gets all of them.
const (
	FeatureFTPAccounts = "ftpaccts"     // create, change and delete FTP accounts
	FeatureFTPSetup    = "ftpsetup"     // FTP sessions, welcome message, anonymous FTP
	FeatureAPITokens   = "apitokens"    // manage API tokens
	FeatureUserManager = "user_manager" // Subaccounts
	FeatureEmail       = "popaccts"     // email accounts
	FeatureWebDisk     = "webdisk"      // Web Disk accounts
)

// AllFeatures lists every feature uapid knows, in a stable order.
func AllFeatures() []string {
	return []string{FeatureFTPAccounts, FeatureFTPSetup, FeatureAPITokens,
		FeatureUserManager, FeatureEmail, FeatureWebDisk}
}

// Account is a hosting account: the cPanel user that owns domains, a home
// directory and every service account below it.
type Account struct {
	ID           int64
	Name         string
	PasswordHash string   // crypt(3) format, e.g. "$6$salt$hash"
	Domain       string   // primary domain
	Domains      []string // every domain the account owns, primary first
	HomeDir      string   // absolute path of the home directory
	QuotaMB      int64    // disk quota in MiB; 0 means unlimited
	Features     []string // enabled features
	Suspended    bool
	CreatedAt    time.Time
}

// OwnsDomain reports whether domain (already lower-cased) belongs to a.
func (a *Account) OwnsDomain(domain string) bool {
	return slices.Contains(a.Domains, domain)
}

// HasFeature reports whether feature is enabled for a.
func (a *Account) HasFeature(feature string) bool {
	return slices.Contains(a.Features, feature)
}

// AccountUpdate names the fields UpdateAccount changes; nil fields are kept.
type AccountUpdate struct {
	PasswordHash *string
	QuotaMB      *int64
	Features     []string // nil keeps the list; an empty non-nil slice clears it
	Suspended    *bool
}

// AccountStore persists hosting accounts and their domains.
type AccountStore interface {
	// CreateAccount inserts a with its domains and sets a.ID and a.CreatedAt.
	// Returns ECONFLICT if the name or a domain is taken.
	CreateAccount(ctx context.Context, a *Account) error
	// FindAccountByName returns ENOTFOUND if no account has that name.
	FindAccountByName(ctx context.Context, name string) (*Account, error)
	// FindAccountByDomain returns the account owning domain, or ENOTFOUND.
	FindAccountByDomain(ctx context.Context, domain string) (*Account, error)
	// FindAccountByID returns ENOTFOUND if no account has that id.
	FindAccountByID(ctx context.Context, id int64) (*Account, error)
	// ListAccounts returns every account ordered by name.
	ListAccounts(ctx context.Context) ([]*Account, error)
	// UpdateAccount changes the fields set in upd. Returns ENOTFOUND.
	UpdateAccount(ctx context.Context, id int64, upd AccountUpdate) error
	// DeleteAccount removes the account and everything it owns in the
	// store. Returns ENOTFOUND.
	DeleteAccount(ctx context.Context, id int64) error
	// DeleteAccountIntent is DeleteAccount that also stores in (nil: none) in the same
	// transaction: the intent of what must follow the deletion.
	DeleteAccountIntent(ctx context.Context, id int64, in *Intent) error
	// AddDomain gives domain to the account. Returns ECONFLICT if any
	// account owns it already, ENOTFOUND if the account does not exist.
	AddDomain(ctx context.Context, accountID int64, domain string) error
	// RemoveDomain takes a secondary domain away. Returns ENOTFOUND if the
	// account does not own it and EINVALID for the primary domain.
	RemoveDomain(ctx context.Context, accountID int64, domain string) error
}

// CredentialsVersioner is a store that can tell whether accounts, their
// domains or API tokens may have changed: authenticators cache a verdict
// only while the version they checked it at is current.
type CredentialsVersioner interface {
	// CredentialsVersion returns a number that changes after every
	// committed change of an account, a domain or an API token, before the
	// method that made it returns; ok is false when changes can happen where
	// the store does not see them (another node), and then nothing may be
	// cached.
	CredentialsVersion() (version uint64, ok bool)
}
