package webdavd

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// Login failure reasons of WebDAV's own; internal/auth's ErrInvalid,
// ErrLimited and ErrSuspended are the others. The client sees the same 401
// for every one of them; the reason goes to the log.
var (
	errNoCredentials = errors.New("no credentials")
	errBasicNoTLS    = errors.New("basic credentials without TLS")
	errMalformed     = errors.New("malformed credentials")
	errStale         = errors.New("stale digest nonce")
	errBusy          = errors.New("logins of this account were killed during every attempt")
)

// principal is who a request authenticated as and what it may reach.
type principal struct {
	account  *hosting.Account
	disk     *hosting.WebDiskAccount // nil for the account's own login
	login    string                  // normalised: "bob@example.com" or "cpuser"
	readOnly bool
}

// key names the login in the registry.
func (p *principal) key() loginKey { return loginKey{accountID: p.account.ID, login: p.login} }

// fromAuth is the principal of internal/auth's answer.
func fromAuth(ap *auth.Principal) *principal {
	p := &principal{account: ap.Account, disk: ap.WebDisk, login: ap.Login}
	if ap.WebDisk != nil {
		p.readOnly = ap.WebDisk.ReadOnly()
	}
	return p
}

// remoteIP is the limiter's address key: the client IP without its port.
func remoteIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// authenticate checks the request's credentials and returns the principal.
// Every error but a store failure is a login refusal. The login rules
// (names, limiter, suspension) are internal/auth's; WebDAV adds Basic only
// over TLS and Digest. Basic logins are reused on their connection lc (nil:
// untracked) as connLogin says; gen is the registry's kill counter, read
// before.
func (s *Server) authenticate(ctx context.Context, r *http.Request, lc *liveConn, gen uint64) (*principal, error) {
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
	reuse, now, state := lc != nil && s.cfg.LoginRecheck > 0, time.Now(), s.loginState(gen)
	if reuse {
		if p := lc.cachedLogin(header, state, now); p != nil {
			return p, nil
		}
	}
	ap, err := s.auth.Authenticate(ctx, auth.WebDAV, login, pass, remoteIP(r))
	if err != nil {
		return nil, err
	}
	p := fromAuth(ap)
	if reuse {
		lc.rememberLogin(header, p, state, now.Add(s.cfg.LoginRecheck))
	}
	return p, nil
}

// digestLogin checks Digest credentials through internal/auth: the
// response first, so that only a client that knows the password learns its
// nonce is stale. Only Web Disk accounts with a Digest hash can use it.
func (s *Server) digestLogin(ctx context.Context, r *http.Request, d *digestCreds) (*principal, error) {
	ap, err := s.auth.Prove(ctx, auth.WebDAV, d.username, remoteIP(r), func(ap *auth.Principal) error {
		disk := ap.WebDisk
		if d.realm != s.cfg.Realm || !d.uriMatches(r.RequestURI) || disk == nil || !disk.HasDigest() ||
			!d.matches(disk.DigestHA1, r.Method) {
			return auth.ErrInvalid
		}
		if nc, _ := d.count(); !s.nonces.use(d.nonce, nc) {
			return errStale
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fromAuth(ap), nil
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

// refusal is how WebDAV answers an error that kept a request out.
type refusal struct {
	status int
	text   string
	level  slog.Level // of its log line
	log    bool       // whether it gets one (a first request without credentials does not)
}

// refusalFor is WebDAV's one error→reply table for requests that did not
// get in. Every login failure, whatever its reason or domain code
// (EUNAUTHORIZED, EFORBIDDEN: limited or suspended), is the same 401 with
// a challenge, so that no answer tells which part was wrong or whether the
// login exists; the reason goes to the log only.
func refusalFor(err error) refusal {
	unauthorized := refusal{status: http.StatusUnauthorized, text: "Unauthorized.", level: slog.LevelInfo, log: true}
	var de *dirError
	switch {
	case errors.As(err, &de):
		return refusal{http.StatusNotFound, "The Web Disk directory does not exist.", slog.LevelWarn, true}
	case errors.Is(err, errBusy):
		return refusal{http.StatusServiceUnavailable, "The server is busy; try again.", slog.LevelWarn, true}
	case errors.Is(err, errNoCredentials):
		unauthorized.log = false
	case errors.Is(err, errStale), errors.Is(err, errBasicNoTLS), errors.Is(err, errMalformed):
		unauthorized.level = slog.LevelDebug
	case hosting.ErrorCode(err) == hosting.EUNAUTHORIZED, hosting.ErrorCode(err) == hosting.EFORBIDDEN:
	default:
		return refusal{http.StatusInternalServerError, "Internal server error.", slog.LevelError, true}
	}
	return unauthorized
}

// refuse answers a request that did not get in, as refusalFor says.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	ref := refusalFor(err)
	if ref.log {
		log.Log(r.Context(), ref.level, "webdav request refused", "status", ref.status, "reason", err)
	}
	if ref.status == http.StatusUnauthorized {
		s.challenge(w, r, errors.Is(err, errStale))
	}
	http.Error(w, ref.text, ref.status)
}
