package hosting

import (
	"context"
	"time"
)

// FTPAccount is a virtual FTP login ("sub" in cPanel's list_ftp) of a
// hosting account: user@domain with its own password, home directory and
// quota. The account's main login, its _logs login and anonymous FTP are not
// stored: they follow from the hosting account itself.
type FTPAccount struct {
	ID           int64
	AccountID    int64
	User         string // local part, lower-case
	Domain       string // one of the account's domains
	PasswordHash string // crypt(3) format
	HomeDir      string // relative to the account's home; "" is the home itself
	QuotaMB      int64  // 0 means unlimited
	UsedBytes    int64  // bytes stored under HomeDir, kept current by the FTP server
	CreatedAt    time.Time
}

// Login returns "user@domain".
func (f *FTPAccount) Login() string { return f.User + "@" + f.Domain }

// FTPLogin is what a listing shows of a virtual FTP login: no password
// hash.
type FTPLogin struct {
	ID      int64
	User    string
	Domain  string
	HomeDir string // relative to the account's home
	QuotaMB int64  // 0 means unlimited
}

// Login returns "user@domain".
func (f *FTPLogin) Login() string { return f.User + "@" + f.Domain }

// FTPAccountUpdate names the fields UpdateFTPAccount changes; nil fields are kept.
type FTPAccountUpdate struct {
	PasswordHash *string
	HomeDir      *string
	QuotaMB      *int64
	UsedBytes    *int64
}

// FTPAccountStore persists FTP accounts.
type FTPAccountStore interface {
	// CreateFTPAccount inserts f and sets f.ID and f.CreatedAt. Returns
	// ECONFLICT if user@domain exists.
	CreateFTPAccount(ctx context.Context, f *FTPAccount) error
	// FindFTPAccount returns the account's FTP login user@domain or ENOTFOUND.
	FindFTPAccount(ctx context.Context, accountID int64, user, domain string) (*FTPAccount, error)
	// FindFTPAccountByLogin finds user@domain whatever account owns it (for
	// the FTP server's login), or ENOTFOUND.
	FindFTPAccountByLogin(ctx context.Context, user, domain string) (*FTPAccount, error)
	// ListFTPAccounts returns the account's FTP logins ordered by login.
	ListFTPAccounts(ctx context.Context, accountID int64) ([]*FTPAccount, error)
	// ListFTPLogins returns what list_ftp shows of the account's FTP logins,
	// ordered by login: ListFTPAccounts without hashes, counts and times,
	// read for every list call and so kept to the columns it needs.
	ListFTPLogins(ctx context.Context, accountID int64) ([]FTPLogin, error)
	// UpdateFTPAccount changes the fields set in upd. Returns ENOTFOUND.
	UpdateFTPAccount(ctx context.Context, id int64, upd FTPAccountUpdate) error
	// AddFTPUsage adds delta (may be negative; the total never goes below
	// zero) to the bytes used. Returns ENOTFOUND.
	AddFTPUsage(ctx context.Context, id int64, delta int64) error
	// DeleteFTPAccount removes an FTP account. Returns ENOTFOUND.
	DeleteFTPAccount(ctx context.Context, id int64) error
	// DeleteFTPAccountIntent is DeleteFTPAccount that also stores in (nil: none) in the same
	// transaction: the intent of what must follow the deletion.
	DeleteFTPAccountIntent(ctx context.Context, id int64, in *Intent) error
}

// FTP session states as list_sessions shows them.
const (
	FTPIdle     = "IDLE"
	FTPUpload   = "UL"
	FTPDownload = "DL"
)

// FTPSession is one live, logged-in FTP connection.
type FTPSession struct {
	ID         int64  // unique per server; list_sessions shows it as pid
	AccountID  int64  // the hosting account whose files the session reaches
	Login      string // as the client logged in, normalised ("bob@example.com", "cpuser", "ftp")
	RemoteAddr string // client IP address
	LoginTime  time.Time
	Status     string // FTPIdle, FTPUpload or FTPDownload
	File       string // file being transferred, relative to the session root; "" when idle
}

// FTPSessionFilter selects sessions of one hosting account for KillFTPSessions.
// With neither Login nor ID set it selects all of them.
type FTPSessionFilter struct {
	Login string // normalised login
	ID    int64
}

// FTPSessions is the registry of live FTP sessions.
type FTPSessions interface {
	// ListFTPSessions returns the hosting account's live sessions ordered by ID.
	ListFTPSessions(ctx context.Context, accountID int64) ([]FTPSession, error)
	// KillFTPSessions closes the account's sessions the filter selects, at
	// once, idle or mid-transfer, and returns how many it closed.
	KillFTPSessions(ctx context.Context, accountID int64, f FTPSessionFilter) (int, error)
}
