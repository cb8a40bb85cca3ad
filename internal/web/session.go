package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
)

// session is the logged-in caller of one request.
type session struct {
	acct  *hosting.Account
	token string // "cpsess" and digits: the first path segment
}

// base is the prefix of every link and form action of the session.
func (s *session) base() string { return "/" + s.token }

// session resolves the request's session from the cookie and the token in
// the path. When there is none it answers the request itself and returns
// nil: a redirect to the login page that comes back to back (a path below
// the session prefix), 403 when the token is not the session's, 404 when
// the first segment is no token at all.
func (ui *UI) session(w http.ResponseWriter, r *http.Request, back string) *session {
	token := r.PathValue("session")
	if !isSessionToken(token) {
		ui.notFound(w, r)
		return nil
	}
	var cookie string
	if c, err := r.Cookie(auth.CookieName); err == nil {
		cookie = c.Value
	}
	acct, _, err := ui.auth.Session(r.Context(), cookie, token)
	switch {
	case err == nil:
		return &session{acct: acct, token: token}
	case errors.Is(err, auth.ErrTokenDenied):
		ui.renderError(w, r, http.StatusForbidden, "Token denied",
			"This page belongs to another session. Log in again to continue.")
	case errors.Is(err, auth.ErrSuspended):
		ui.renderError(w, r, http.StatusForbidden, "Account suspended", "This account is suspended.")
	case errors.Is(err, auth.ErrExpired):
		redirectToLogin(w, r, back, "expired")
	case errors.Is(err, auth.ErrInvalid):
		redirectToLogin(w, r, back, "")
	default:
		ui.internalError(w, r, err)
	}
	return nil
}

// redirectToLogin sends the browser to the login form, which passes back on
// to the HTTP API's login as goto_uri, so the new session opens where the
// old one ended.
func redirectToLogin(w http.ResponseWriter, r *http.Request, back, reason string) {
	q := url.Values{}
	if back != "" && back != "/" {
		q.Set("goto_uri", back)
	}
	if reason != "" {
		q.Set("reason", reason)
	}
	target := "/login/"
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// isSessionToken reports whether a path segment is a cpsess security token:
// "cpsess" and digits. (httpapi has its own copy: adapters do not import
// each other.)
func isSessionToken(seg string) bool {
	digits, ok := strings.CutPrefix(seg, "cpsess")
	if !ok || digits == "" {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
