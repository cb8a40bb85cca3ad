package httpapi

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/uapid/uapid/internal/auth"
)

// loginReply is the login_only answer. cPanel's clients read status,
// security_token (leading slash, no trailing one) and redirect; the field
// order is cPanel's.
type loginReply struct {
	Status        int    `json:"status"`
	SecurityToken string `json:"security_token,omitempty"`
	Redirect      string `json:"redirect,omitempty"`
	Message       string `json:"message,omitempty"`
}

// Message codes of failed logins. cPanel's login.js reads message as a code
// and shows its own text for it; invalid_login is cPanel's, the others are
// uapid's names for answers cPanel gives as a page.
var loginMessages = map[string]string{
	"invalid":   "invalid_login",
	"limited":   "too_many_failures",
	"suspended": "account_suspended",
}

// login serves POST /login/: user and pass open a session. With
// ?login_only=1 the answer is JSON (scripts, login.js); without it, a
// redirect into the session (browsers; scripts that read the token from
// Location).
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	// Login CSRF: another site's page must not log the visitor into an
	// account of the attacker's choosing. Browsers send Sec-Fetch-Site or
	// Origin with every POST; scripts (curl, cPanel's clients) send neither
	// and are let through, as they carry no victim's browser state.
	if crossSite(r) {
		return &httpError{code: http.StatusForbidden, msg: msgCrossSiteLogin}
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return s.bodyError(err)
	}
	acct, sess, secret, err := s.auth.Login(r.Context(), r.FormValue("user"), r.FormValue("pass"), remoteAddr(r))
	if err != nil {
		failed := s.loginFailed(r, r.FormValue("user"), err)
		if !loginOnly(r.FormValue("login_only")) && strings.Contains(r.Header.Get("Accept"), "text/html") {
			return s.loginPageAgain(w, r, err, failed)
		}
		return failed
	}
	infoFrom(r.Context()).account = acct.Name
	http.SetCookie(w, s.sessionCookie(secret))
	prefix := "/" + sess.SecurityToken
	target := prefix + sessionPath(r.FormValue("goto_uri"))
	if loginOnly(r.FormValue("login_only")) {
		return writeJSON(w, http.StatusOK, loginReply{Status: 1, SecurityToken: prefix, Redirect: target})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// loginFailed answers a failed login with the auth status code and
// cPanel's {"status":0,"message":CODE} body, with or without login_only: a
// browser posting without JavaScript at least sees why.
func (s *Server) loginFailed(r *http.Request, name string, err error) error {
	failed := s.authFailed(r, methodLogin, name, err)
	var he *httpError
	if !errors.As(failed, &he) {
		return failed
	}
	_, reason := authAnswer(err, 0)
	code, ok := loginMessages[reason]
	if !ok {
		code = "invalid_login"
	}
	he.body = loginReply{Status: 0, Message: code}
	return he
}

// loginPageAgain sends a browser that posted the login form without
// JavaScript back to the login page with the reason, instead of a JSON body
// it would show raw. Unexpected errors keep their own answer.
func (s *Server) loginPageAgain(w http.ResponseWriter, r *http.Request, err, failed error) error {
	var he *httpError
	if !errors.As(failed, &he) {
		return failed
	}
	_, reason := authAnswer(err, 0)
	if _, known := loginMessages[reason]; !known {
		reason = "invalid"
	}
	q := url.Values{"reason": {reason}}
	if g := r.FormValue("goto_uri"); g != "" {
		q.Set("goto_uri", sessionPath(g))
	}
	http.Redirect(w, r, "/login/?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// logout serves /logout/: the session ends, the cookie is cleared, and the
// browser goes to the start page. It needs no cpsess token: the cookie is
// SameSite=Strict, so another site cannot end a session either.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(auth.CookieName); err == nil {
		if err := s.auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	cleared := s.sessionCookie("")
	cleared.MaxAge = -1
	http.SetCookie(w, cleared)
	if loginOnly(r.URL.Query().Get("login_only")) {
		return writeJSON(w, http.StatusOK, loginReply{Status: 1})
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// sessionCookie carries the session secret. It has no expiry: the server
// ends idle sessions, and the browser forgets the cookie when it closes.
func (s *Server) sessionCookie(secret string) *http.Cookie {
	return &http.Cookie{Name: auth.CookieName, Value: secret, Path: "/",
		HttpOnly: true, Secure: s.cfg.SecureCookie, SameSite: http.SameSiteStrictMode}
}

// loginOnly reads the login_only switch: cPanel's clients send 1.
func loginOnly(v string) bool { return v != "" && v != "0" }

// sessionPath returns goto_uri as a path to put after the cpsess prefix, or
// "/" when it is empty or could lead anywhere but this site (an open
// redirect is a phishing tool). A cpsess prefix it carries, copied from an
// older session, is replaced by the new one.
func sessionPath(gotoURI string) string {
	if !strings.HasPrefix(gotoURI, "/") || strings.HasPrefix(gotoURI, "//") ||
		strings.ContainsRune(gotoURI, '\\') || strings.IndexFunc(gotoURI, unicode.IsControl) >= 0 {
		return "/"
	}
	u, err := url.Parse(gotoURI)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "/"
	}
	if first, rest, _ := strings.Cut(gotoURI[1:], "/"); isSessionToken(first) {
		return "/" + rest
	}
	return gotoURI
}
