package web

import (
	"net/http"
	"strings"
)

// loginNotice is why the login form shows up; the text is ours, the URL
// only picks one. Besides expired (set by this package), the failed-login
// reasons let the login endpoint send a browser without JavaScript back to
// the form instead of answering JSON.
func loginNotice(reason string) string {
	switch reason {
	case "expired":
		return "Your session has expired. Log in again."
	case "password":
		// Changing the account's password ends every session, this one too.
		return "Your password was changed. Log in with the new password."
	case "invalid":
		return "The login is invalid."
	case "limited":
		return "Too many failed logins. Try again later."
	case "suspended":
		return "This account is suspended."
	}
	return ""
}

// loginPage serves GET / and GET /login/: the login form. It posts to
// /login/, which the HTTP API serves: it sets the session cookie and
// redirects to /cpsessNNNNNNNNNN/ plus goto_uri.
func (ui *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := &view{Brand: ui.cfg.Brand, Title: "Log in", Page: "login", Notice: loginNotice(q.Get("reason")),
		Goto: safeGoto(q.Get("goto_uri"))}
	ui.render(w, r, nil, "login", v, http.StatusOK)
}

// safeGoto keeps goto_uri only when it is a path on this site. The API
// checks it again; dropping others here keeps the form from carrying them.
func safeGoto(uri string) string {
	if !strings.HasPrefix(uri, "/") || strings.HasPrefix(uri, "//") || strings.ContainsAny(uri, "\\\r\n") {
		return ""
	}
	return uri
}
