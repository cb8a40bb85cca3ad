package httpapi

import (
	"html/template"
	"net/http"
	"strings"
)

// ticketLogin serves the URL WHM's create_user_session returns:
// GET /cpsessN/login/?session=USER:TICKET. The ticket is taken once; the
// browser gets the session cookie and a page that moves it into the
// session. The move is a page-initiated navigation rather than a redirect:
// the URL is usually opened from the billing system's site, and a
// SameSite=Strict cookie is not sent on a redirect that a cross-site
// click started.
func (s *Server) ticketLogin(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("session")
	if !isSessionToken(token) {
		return s.web(w, r)
	}
	name, secret, ok := strings.Cut(r.URL.Query().Get("session"), ":")
	if !ok || name == "" || secret == "" {
		return s.authFailed(r, methodLogin, name, errBadHeader)
	}
	acct, sess, cookie, err := s.auth.RedeemTicket(r.Context(), name, secret, token, remoteAddr(r))
	if err != nil {
		return s.authFailed(r, methodLogin, name, err)
	}
	infoFrom(r.Context()).account = acct.Name
	http.SetCookie(w, s.sessionCookie(cookie))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer") // the spent ticket stays out of Referer headers
	return ticketPage.Execute(w, "/"+sess.SecurityToken+"/")
}

var ticketPage = template.Must(template.New("ticket").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={{.}}"><title>Logging in</title></head>
<body><p><a href="{{.}}">Continue to your account</a></p></body></html>
`))
