package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// Protocol is the transport a login arrives by; it decides which kinds of
// login name it accepts.
type Protocol string

// Protocols.
const (
	HTTPS  Protocol = "https"  // hosting accounts only (Basic, session login)
	FTP    Protocol = "ftp"    // accounts, NAME_logs, user@domain FTP accounts, anonymous
	WebDAV Protocol = "webdav" // accounts, user@domain Web Disk accounts
)

// Kind is what a login name turned out to be. The FTP kinds are spelled as
// Ftp::list_ftp spells them.
type Kind string

// Kinds of login.
const (
	KindAccount   Kind = "main"      // the hosting account's own login
	KindLogs      Kind = "logaccess" // NAME_logs: the account's log files (FTP)
	KindAnonymous Kind = "anonymous" // ftp@domain, anonymous@domain (FTP)
	KindFTP       Kind = "sub"       // a user@domain FTP account
	KindWebDisk   Kind = "webdisk"   // a user@domain Web Disk account
)

// Principal is who a login is: the hosting account it acts in and, for a
// user@domain login, the service account.
type Principal struct {
	Kind    Kind
	Login   string // normalised, as session lists show it: "bob", "bob_logs", "joe@bob.example", "ftp"
	Account *hosting.Account
	FTP     *hosting.FTPAccount     // KindFTP only
	WebDisk *hosting.WebDiskAccount // KindWebDisk only
}

// passwordHash is the stored hash a password login of p checks against.
func (p *Principal) passwordHash() string {
	switch p.Kind {
	case KindFTP:
		return p.FTP.PasswordHash
	case KindWebDisk:
		return p.WebDisk.PasswordHash
	}
	return p.Account.PasswordHash
}

// MaxNameLen bounds the login names looked up and counted: user@domain is
// at most a DNS name long. A longer name fails before the limiter, counted
// against its address only, so that it neither costs a lookup nor grows
// the limiter by a key of its own.
const MaxNameLen = 320

// NormaliseLogin lower-cases and trims a login name, and accepts
// "user+domain" from clients that cannot send "@" in a user name.
func NormaliseLogin(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if !strings.Contains(name, "@") {
		name = strings.Replace(name, "+", "@", 1)
	}
	return name
}

// IsAnonymous reports whether user is one of anonymous FTP's names.
func IsAnonymous(user string) bool { return user == "ftp" || user == "anonymous" }

// identity is the limiter's key for a normalised login: every spelling of
// one identity shares one guess budget. NAME_logs takes NAME's password,
// so it is NAME (account names have no "_", so this never merges two
// accounts); "user+tag@domain" is user@domain (service user names have no
// "+"). Anonymous logins have no secret to guess and no identity.
func identity(login string) string {
	user, domain, virtual := strings.Cut(login, "@")
	switch {
	case virtual && IsAnonymous(user):
		return ""
	case virtual:
		user, _, _ = strings.Cut(user, "+")
		return user + "@" + domain
	}
	if owner, ok := strings.CutSuffix(user, "_logs"); ok && owner != "" {
		return owner
	}
	return user
}

// errUnknown is a login name that does not exist for the protocol; callers
// see ErrInvalid.
var errUnknown = errors.New("unknown login")

// Authenticate checks a login name and password for proto under the
// brute-force limiter, with every rule in one place: the name's length cap,
// one limiter key per identity, equal timing for unknown names, the
// verified-password cache, and suspension (reported only to a caller who
// knew the password). Anonymous FTP logins take any password; the FTP
// server applies anonymous FTP's own rules to the principal.
func (a *Authenticator) Authenticate(ctx context.Context, proto Protocol, name, pass, remote string) (*Principal, error) {
	return a.attempt(ctx, proto, name, remote, func(p *Principal) error {
		if p == nil {
			// Spend a verification on a dummy hash so that timing does
			// not tell a missing login from a wrong password.
			password.Verify(dummyHash, pass)
			return ErrInvalid
		}
		if p.Kind == KindAnonymous || a.checkPassword(p.passwordHash(), pass) {
			return nil
		}
		return ErrInvalid
	})
}

// Prove authenticates a login whose credentials are checked by the
// protocol itself (WebDAV Digest) under the same rules as Authenticate.
// prove gets the principal and returns nil when the credentials prove it,
// ErrInvalid (counted as a failed guess) when they do not, or another
// error that is returned as it is (a stale Digest nonce).
func (a *Authenticator) Prove(ctx context.Context, proto Protocol, name, remote string, prove func(*Principal) error) (*Principal, error) {
	return a.attempt(ctx, proto, name, remote, func(p *Principal) error {
		if p == nil {
			return ErrInvalid
		}
		return prove(p)
	})
}

// attempt is the one login path: check is called with the principal, or
// with nil for an unknown name.
func (a *Authenticator) attempt(ctx context.Context, proto Protocol, name, remote string, check func(*Principal) error) (*Principal, error) {
	login := NormaliseLogin(name)
	if login == "" || len(login) > MaxNameLen {
		return nil, a.failed(ctx, remote, "")
	}
	id := identity(login)
	if ok, err := a.limit.Allowed(ctx, remote, id); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	} else if !ok {
		return nil, ErrLimited
	}
	p, err := a.resolve(ctx, proto, login)
	if err != nil && !errors.Is(err, errUnknown) {
		return nil, err
	}
	if err := check(p); errors.Is(err, ErrInvalid) {
		return nil, a.failed(ctx, remote, id)
	} else if err != nil {
		return nil, err
	}
	if p.Account.Suspended {
		return nil, ErrSuspended
	}
	if id == "" {
		return p, nil
	}
	if err := a.limit.Success(ctx, id); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return p, nil
}

// failed counts a failed guess and returns ErrInvalid, or the limiter's
// error when it could not count.
func (a *Authenticator) failed(ctx context.Context, remote, id string) error {
	if err := a.limit.Failure(ctx, remote, id); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	return ErrInvalid
}

// checkPassword verifies pass against hash, from the cache when it can.
func (a *Authenticator) checkPassword(hash, pass string) bool {
	now := a.now()
	if a.verified.hit(hash, pass, now) {
		return true
	}
	if !password.Verify(hash, pass) {
		return false
	}
	a.verified.add(hash, pass, now)
	return true
}
