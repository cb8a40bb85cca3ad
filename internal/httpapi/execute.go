package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// executeWithCredentials serves /execute/{module}/{function}: the caller
// proves who it is in the Authorization header of every request.
func (s *Server) executeWithCredentials(w http.ResponseWriter, r *http.Request) error {
	if crossSite(r) {
		return &httpError{code: http.StatusForbidden, msg: msgCrossSite}
	}
	acct, err := s.credentials(r)
	if err != nil {
		return err
	}
	return s.execute(w, r, acct)
}

// executeInSession serves /cpsessNNNNNNNNNN/execute/{module}/{function}: the
// session cookie says who is calling, and the token in the path must be that
// session's, which a page on another site cannot know.
func (s *Server) executeInSession(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("session")
	if !isSessionToken(token) {
		return errNotFound
	}
	var cookie string
	if c, err := r.Cookie(auth.CookieName); err == nil {
		cookie = c.Value
	}
	acct, _, err := s.auth.Session(r.Context(), cookie, token)
	if err != nil {
		return s.authFailed(r, methodSession, "", err)
	}
	return s.execute(w, r, acct)
}

// execute runs one call for an authenticated account. Whatever the function
// does, the answer is HTTP 200 with the result object: status 0 in the body
// is how UAPI reports a failed call.
func (s *Server) execute(w http.ResponseWriter, r *http.Request, acct *hosting.Account) error {
	infoFrom(r.Context()).account = acct.Name
	args, nested, err := s.requestArgs(w, r)
	if err != nil {
		return err
	}
	res := s.eng.Execute(r.Context(), uapi.Request{
		Account:   acct,
		Module:    r.PathValue("module"),
		Function:  r.PathValue("function"),
		Args:      args,
		Nested:    nested,
		Transport: "https",
	})
	return writeJSON(w, http.StatusOK, res)
}

// isSessionToken reports whether a path segment is a cpsess security token:
// "cpsess" and digits (ten in the tokens auth issues).
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

// crossSite reports a request a browser sent on behalf of another site. A
// browser that once answered the Basic challenge attaches the credentials to
// any request to this server, so without this check a page elsewhere could
// run functions (UAPI changes state on GET). Scripts send neither header,
// and no other site's JavaScript can use /execute anyway (there is no CORS),
// so nothing legitimate is refused. Sec-Fetch-Site is sent over HTTPS;
// Origin covers POSTs on a plain-HTTP listener.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	case "same-origin", "none":
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host != r.Host
}
