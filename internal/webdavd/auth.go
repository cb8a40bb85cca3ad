package webdavd

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
)

// Login failure reasons. The client sees the same 401 for every one of
// them; the reason goes to the log.
var (
	errNoCredentials = errors.New("no credentials")
	errBasicNoTLS    = errors.New("basic credentials without TLS")
	errMalformed     = errors.New("malformed credentials")
	errInvalid       = errors.New("invalid credentials")
	errLimited       = errors.New("too many failed logins")
	errSuspended     = errors.New("account suspended")
	errStale         = errors.New("stale digest nonce")
	errBusy          = errors.New("logins of this account were killed during every attempt")
)

// maxLoginLen bounds the login names looked up (and kept by the limiter):
// user@domain is at most a DNS name long.
const maxLoginLen = 320

// principal is who a request authenticated as and what it may reach.
type principal struct {
	account  *hosting.Account
	disk     *hosting.WebDiskAccount // nil for the account's own login
	login    string                  // normalised: "bob@example.com" or "cpuser"
	readOnly bool
}

// key names the login in the registry.
func (p *principal) key() loginKey { return loginKey{accountID: p.account.ID, login: p.login} }

// normaliseLogin lower-cases a login and accepts "user+domain" from
// clients that cannot send "@" in a user name.
func normaliseLogin(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	if !strings.Contains(login, "@") {
		login = strings.Replace(login, "+", "@", 1)
	}
	return login
}

// remoteIP is the limiter's address key: the client IP without its port.
func remoteIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// authenticate checks the request's credentials and returns the principal.
// Every error but a store failure is a login refusal (errInvalid, …).
func (s *Server) authenticate(ctx context.Context, r *http.Request) (*principal, error) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return nil, errNoCredentials
	}
	if d, ok := parseDigest(header); ok {
		return s.digestLogin(ctx, r, d)
	}
	login, pass, ok := r.BasicAuth()
	switch {
	case !ok:
		return nil, errMalformed
	case r.TLS == nil && !s.cfg.BasicWithoutTLS:
		return nil, errBasicNoTLS
	}
	return s.basicLogin(ctx, remoteIP(r), normaliseLogin(login), pass)
}

// basicLogin checks a login and password under the limiter.
func (s *Server) basicLogin(ctx context.Context, addr, login, pass string) (*principal, error) {
	if len(login) > maxLoginLen {
		s.lim.Failure(addr, "")
		return nil, errInvalid
	}
	if !s.lim.Allowed(addr, login) {
		return nil, errLimited
	}
	p, hash, err := s.resolve(ctx, login)
	if err != nil {
		if errors.Is(err, errInvalid) {
			// Spend a verification on a dummy hash so that timing does not
			// tell a missing login from a wrong password.
			password.Verify(s.dummyHash, pass)
			s.lim.Failure(addr, login)
		}
		return nil, err
	}
	if !s.verified.check(hash, pass) {
		s.lim.Failure(addr, login)
		return nil, errInvalid
	}
	return s.admit(login, p)
}

// digestLogin checks Digest credentials under the limiter: the response
// first, so that only a client that knows the password learns its nonce is
// stale.
func (s *Server) digestLogin(ctx context.Context, r *http.Request, d *digestCreds) (*principal, error) {
	addr, login := remoteIP(r), normaliseLogin(d.username)
	if len(login) > maxLoginLen {
		s.lim.Failure(addr, "")
		return nil, errInvalid
	}
	if !s.lim.Allowed(addr, login) {
		return nil, errLimited
	}
	if d.realm != s.cfg.Realm || !d.uriMatches(r.RequestURI) {
		s.lim.Failure(addr, login)
		return nil, errInvalid
	}
	p, _, err := s.resolve(ctx, login)
	if err != nil {
		if errors.Is(err, errInvalid) {
			s.lim.Failure(addr, login)
		}
		return nil, err
	}
	if p.disk == nil || !p.disk.HasDigest() || !d.matches(p.disk.DigestHA1, r.Method) {
		s.lim.Failure(addr, login)
		return nil, errInvalid
	}
	if nc, _ := d.count(); !s.nonces.use(d.nonce, nc) {
		return nil, errStale
	}
	return s.admit(login, p)
}

// admit refuses a suspended account and clears the login's failures.
func (s *Server) admit(login string, p *principal) (*principal, error) {
	if p.account.Suspended {
		return nil, errSuspended
	}
	s.lim.Success(login)
	return p, nil
}

// resolve finds a normalised login and the password hash it checks
// against: user@domain is a Web Disk account, a bare name the hosting
// account itself. A login that does not exist is errInvalid.
func (s *Server) resolve(ctx context.Context, login string) (*principal, string, error) {
	user, domain, virtual := strings.Cut(login, "@")
	if !virtual {
		acct, err := s.accounts.FindAccountByName(ctx, user)
		if err != nil {
			return nil, "", lookupError(err)
		}
		return &principal{account: acct, login: acct.Name}, acct.PasswordHash, nil
	}
	disk, err := s.disks.FindWebDiskAccountByLogin(ctx, user, domain)
	if err != nil {
		return nil, "", lookupError(err)
	}
	acct, err := s.accounts.FindAccountByID(ctx, disk.AccountID)
	if err != nil {
		return nil, "", fmt.Errorf("webdavd: find account %d: %w", disk.AccountID, err)
	}
	return &principal{account: acct, disk: disk, login: disk.Login(), readOnly: disk.ReadOnly()}, disk.PasswordHash, nil
}

func lookupError(err error) error {
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return errInvalid
	}
	return fmt.Errorf("webdavd: find login: %w", err)
}

// challenge sets the WWW-Authenticate headers of a 401: Digest always,
// Basic only where it may be used (TLS, or BasicWithoutTLS).
func (s *Server) challenge(w http.ResponseWriter, r *http.Request, stale bool) {
	h := w.Header()
	h.Add("WWW-Authenticate", digestChallenge(s.cfg.Realm, s.nonces.issue(), stale))
	if r.TLS != nil || s.cfg.BasicWithoutTLS {
		h.Add("WWW-Authenticate", `Basic realm="`+s.cfg.Realm+`", charset="UTF-8"`)
	}
}

// verifiedCache remembers recent successful crypt(3) checks, so that
// WebDAV clients, which send Basic credentials with every request, do not
// pay milliseconds of SHA512-crypt each time. Entries are HMACs, under a
// per-process key, of the stored hash and the password: a password change
// alters the hash and misses, and memory holds no fast-to-crack digest.
type verifiedCache struct {
	key []byte
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[[32]byte]time.Time
}

// maxVerified bounds the cache; when full it starts over.
const maxVerified = 4096

func newVerifiedCache(ttl time.Duration, now func() time.Time) *verifiedCache {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand does not fail on supported platforms
	return &verifiedCache{key: key, ttl: ttl, now: now, entries: make(map[[32]byte]time.Time)}
}

// check reports whether pass matches hash, from the cache when it can.
func (c *verifiedCache) check(hash, pass string) bool {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(hash))
	m.Write([]byte{0})
	m.Write([]byte(pass))
	var k [32]byte
	copy(k[:], m.Sum(nil))
	now := c.now()
	c.mu.Lock()
	exp, ok := c.entries[k]
	c.mu.Unlock()
	if ok && now.Before(exp) {
		return true
	}
	if !password.Verify(hash, pass) {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxVerified {
		clear(c.entries)
	}
	c.entries[k] = now.Add(c.ttl)
	return true
}
