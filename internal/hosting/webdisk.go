package hosting

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"time"
)

// Web Disk permissions, as cPanel's perms parameter spells them.
const (
	WebDiskReadOnly  = "ro" // read, download and list only
	WebDiskReadWrite = "rw" // every WebDAV operation inside the directory
)

// DefaultWebDiskRealm is the HTTP authentication realm of the Web Disk
// server when none is configured. A stored DigestHA1 is bound to the realm
// it was computed with, so the realm must never change once digest logins
// exist.
const DefaultWebDiskRealm = "cPanel"

// WebDiskAccount is a virtual Web Disk (WebDAV) login of a hosting account:
// user@domain with its own password, a directory inside the account's home
// and read-only or read-write access to it. The account's own login (the
// "main" Web Disk account) is not stored: it follows from the account.
type WebDiskAccount struct {
	ID           int64
	AccountID    int64
	User         string // local part, lower-case
	Domain       string // one of the account's domains
	PasswordHash string // crypt(3) format
	// DigestHA1 is hex MD5("user@domain:realm:password"), kept only while
	// Digest authentication is enabled. It is a hash, never the password,
	// but it is password-equivalent for Digest logins in its realm.
	DigestHA1    string
	HomeDir      string // relative to the account's home; "" is the home itself
	Perms        string // WebDiskReadOnly or WebDiskReadWrite
	Private      bool   // the directory is 0700 (else 0755)
	EnableDigest bool   // Digest authentication is allowed
	CreatedAt    time.Time
}

// Login returns "user@domain".
func (w *WebDiskAccount) Login() string { return w.User + "@" + w.Domain }

// ReadOnly reports whether the login may only read.
func (w *WebDiskAccount) ReadOnly() bool { return w.Perms == WebDiskReadOnly }

// HasDigest reports whether a Digest login can succeed: it is enabled and
// a hash to check it against is stored.
func (w *WebDiskAccount) HasDigest() bool { return w.EnableDigest && w.DigestHA1 != "" }

// ValidWebDiskPerms reports whether p is WebDiskReadOnly or WebDiskReadWrite.
func ValidWebDiskPerms(p string) bool { return p == WebDiskReadOnly || p == WebDiskReadWrite }

// DigestHA1 returns the RFC 7616 MD5 HA1 of a login: hex
// MD5(login ":" realm ":" password), the form cPanel's digest_auth_hash and
// Apache's htdigest files hold.
func DigestHA1(login, realm, password string) string {
	sum := md5.Sum([]byte(login + ":" + realm + ":" + password))
	return hex.EncodeToString(sum[:])
}

// WebDiskAccountUpdate names the fields UpdateWebDiskAccount changes; nil
// fields are kept.
type WebDiskAccountUpdate struct {
	PasswordHash *string
	DigestHA1    *string
	EnableDigest *bool
	HomeDir      *string
	Perms        *string
	Private      *bool
}

// WebDiskAccountStore persists Web Disk accounts.
type WebDiskAccountStore interface {
	// CreateWebDiskAccount inserts w and sets w.ID and w.CreatedAt.
	// Returns ECONFLICT if user@domain exists, ENOTFOUND if the account
	// does not own the domain and EINVALID for perms other than ro or rw.
	CreateWebDiskAccount(ctx context.Context, w *WebDiskAccount) error
	// FindWebDiskAccount returns the account's Web Disk login user@domain
	// or ENOTFOUND.
	FindWebDiskAccount(ctx context.Context, accountID int64, user, domain string) (*WebDiskAccount, error)
	// FindWebDiskAccountByLogin finds user@domain whatever account owns it
	// (for the Web Disk server's login), or ENOTFOUND.
	FindWebDiskAccountByLogin(ctx context.Context, user, domain string) (*WebDiskAccount, error)
	// ListWebDiskAccounts returns the account's Web Disk logins ordered by
	// login.
	ListWebDiskAccounts(ctx context.Context, accountID int64) ([]*WebDiskAccount, error)
	// UpdateWebDiskAccount changes the fields set in upd. Returns ENOTFOUND,
	// and EINVALID for perms other than ro or rw.
	UpdateWebDiskAccount(ctx context.Context, id int64, upd WebDiskAccountUpdate) error
	// DeleteWebDiskAccount removes a Web Disk account. Returns ENOTFOUND.
	DeleteWebDiskAccount(ctx context.Context, id int64) error
	// DeleteWebDiskAccountIntent is DeleteWebDiskAccount that also stores in (nil: none) in the same
	// transaction: the intent of what must follow the deletion.
	DeleteWebDiskAccountIntent(ctx context.Context, id int64, in *Intent) error
}
