package httpapi

import (
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// Authentication methods, as the auth failure metric labels them.
const (
	methodNone    = "none" // no or unusable Authorization header
	methodBasic   = "basic"
	methodToken   = "token"
	methodSession = "session"
	methodLogin   = "login"
)

// Client-facing texts. One text covers every credential failure so that no
// answer tells which part was wrong, or whether the account exists.
const (
	msgAccessDenied   = "Access denied"
	msgTooMany        = "Too many failed login attempts. Try again later."
	msgSuspended      = "This account is suspended."
	msgExpired        = "The session has expired. Log in again."
	msgTokenDenied    = "Token denied"
	msgCrossSite      = "Cross-site requests are not allowed: call this URL from a script, or use a login session."
	msgCrossSiteLogin = "Cross-site login forms are not allowed: log in from this server's own login page."
)

// Reasons for failures found before the authenticator runs.
var (
	errNoCredentials = errors.New("no Authorization header")
	errBadHeader     = errors.New("malformed Authorization header")
)

// credentials authenticates an Authorization header the way cPanel's
// /execute accepts one: "Basic base64(user:pass)" or "cpanel USER:TOKEN",
// the scheme word in any case.
func (s *Server) credentials(r *http.Request) (*hosting.Account, error) {
	header := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, rest, _ := strings.Cut(header, " ")
	rest = strings.TrimSpace(rest)
	ctx, remote := r.Context(), remoteAddr(r)
	switch {
	case header == "":
		return nil, s.authFailed(r, methodNone, "", errNoCredentials)
	case strings.EqualFold(scheme, "basic"):
		name, pass, ok := parseBasic(rest)
		if !ok {
			return nil, s.authFailed(r, methodBasic, "", errBadHeader)
		}
		acct, err := s.auth.Password(ctx, name, pass, remote)
		return acct, s.authFailed(r, methodBasic, name, err)
	case strings.EqualFold(scheme, "cpanel"):
		name, token, ok := strings.Cut(rest, ":")
		if !ok || name == "" || token == "" {
			return nil, s.authFailed(r, methodToken, "", errBadHeader)
		}
		acct, err := s.auth.Token(ctx, name, token, remote)
		return acct, s.authFailed(r, methodToken, name, err)
	}
	return nil, s.authFailed(r, methodNone, "", errBadHeader)
}

func parseBasic(encoded string) (name, pass string, ok bool) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// authFailed turns an authentication error into the answer the client gets,
// counts and logs it; nil stays nil. Errors that are not credential
// failures (a store outage) pass through to become a 500.
func (s *Server) authFailed(r *http.Request, method, name string, err error) error {
	if err == nil {
		return nil
	}
	he, reason := authAnswer(err, s.cfg.RetryAfter)
	if he == nil {
		return err
	}
	// Basic is the challenge only where it is the credential in use: a
	// browser on a session URL must not pop up a password dialog.
	he.challenge = he.code == http.StatusUnauthorized && method != methodSession && method != methodLogin
	s.metrics.authFailures.WithLabelValues(method, reason).Inc()
	// A missing header is how many clients start (they answer the
	// challenge); only a credential that was tried is worth a warning.
	level := slog.LevelWarn
	if reason == "missing" {
		level = slog.LevelDebug
	}
	s.log.Log(r.Context(), level, "authentication failed", "req_id", infoFrom(r.Context()).id,
		"method", method, "reason", reason, "user", name, "remote", remoteAddr(r))
	return he
}

// authAnswers is HTTP's one table from authentication errors to answers:
// the status, the client's text and the metric's reason. A bad credential
// of any kind is the same 401 "Access denied".
var authAnswers = []struct {
	err    error
	code   int
	msg    string
	reason string
}{
	{errNoCredentials, http.StatusUnauthorized, msgAccessDenied, "missing"},
	{errBadHeader, http.StatusUnauthorized, msgAccessDenied, "malformed"},
	{auth.ErrInvalid, http.StatusUnauthorized, msgAccessDenied, "invalid"},
	{auth.ErrTokenExpired, http.StatusUnauthorized, msgAccessDenied, "token_expired"},
	{auth.ErrExpired, http.StatusUnauthorized, msgExpired, "expired"},
	{auth.ErrTokenDenied, http.StatusForbidden, msgTokenDenied, "token_denied"},
	{auth.ErrSuspended, http.StatusForbidden, msgSuspended, "suspended"},
	{auth.ErrLimited, http.StatusTooManyRequests, msgTooMany, "limited"},
}

// authAnswer looks err up in authAnswers; nil for an error that is not a
// credential failure (a store outage, which becomes a 500).
func authAnswer(err error, retryAfter time.Duration) (*httpError, string) {
	for _, a := range authAnswers {
		if errors.Is(err, a.err) {
			he := &httpError{code: a.code, msg: a.msg, err: err}
			if a.code == http.StatusTooManyRequests {
				he.retryAfter = retryAfter
			}
			return he, a.reason
		}
	}
	return nil, ""
}
