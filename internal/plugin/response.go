package plugin

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"

	"github.com/uapid/uapid/internal/pagehost"
	"github.com/uapid/uapid/internal/uapi"
)

// answeredHeaders are the program's headers passed to the browser, besides
// Status. Set-Cookie is not among them (the session cookie is the API's),
// nor anything that would weaken the UI's security headers.
var answeredHeaders = []string{"Content-Type", "Location", "Content-Disposition", "Content-Language",
	"Cache-Control", "Expires", "Last-Modified", "Etag"}

// answer turns a run into the page: the program's CGI answer, or an error
// page that says what went wrong in one sentence (the log has the rest).
func (s *Server) answer(w http.ResponseWriter, r *http.Request, p *pagehost.Request, res *result) {
	switch {
	case res.timedOut:
		p.Host.Error(w, r, http.StatusGatewayTimeout, "Plugin page timed out",
			"The plugin page did not finish in time and was stopped.")
	case res.overflow:
		p.Host.Error(w, r, http.StatusBadGateway, "Plugin page too large", "The plugin page printed more than allowed.")
	case len(res.stdout) == 0 && res.err != nil:
		p.Host.InternalError(w, r, fmt.Errorf("plugin: %s/%s: %w", p.Plugin, p.Page, res.err))
	default:
		if err := writeCGI(w, res.stdout); err != nil {
			s.log.WarnContext(r.Context(), "plugin: bad CGI answer", "req_id", uapi.RequestID(r.Context()),
				"account", p.Account.Name, "plugin", p.Plugin, "page", p.Page, "err", err)
			p.Host.Error(w, r, http.StatusBadGateway, "Bad plugin page", "The plugin page did not answer properly.")
		}
	}
}

// writeCGI parses a CGI answer (RFC 3875 §6): header lines, a blank line,
// the body. It writes nothing unless the headers are sound.
func writeCGI(w http.ResponseWriter, out []byte) error {
	br := bufio.NewReader(bytes.NewReader(out))
	hdr, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil {
		return fmt.Errorf("plugin: CGI headers: %w", err)
	}
	status, err := cgiStatus(hdr)
	if err != nil {
		return err
	}
	if hdr.Get("Content-Type") == "" && hdr.Get("Location") == "" {
		return errors.New("plugin: CGI answer has neither Content-Type nor Location")
	}
	body, _ := io.ReadAll(br) // reads from memory: no error
	h := w.Header()
	for _, k := range answeredHeaders {
		if v := hdr.Values(k); len(v) > 0 {
			h[http.CanonicalHeaderKey(k)] = v
		}
	}
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store") // pages show account data
	}
	w.WriteHeader(status)
	_, _ = w.Write(body) // a browser that went away needs no answer
	return nil
}

// cgiStatus reads the Status header ("404 Not Found"); a redirect without
// one is 302, anything else 200.
func cgiStatus(hdr textproto.MIMEHeader) (int, error) {
	st := hdr.Get("Status")
	if st == "" {
		if hdr.Get("Location") != "" {
			return http.StatusFound, nil
		}
		return http.StatusOK, nil
	}
	if len(st) < 3 {
		return 0, fmt.Errorf("plugin: CGI Status %q", st)
	}
	code, err := strconv.Atoi(st[:3])
	if err != nil || code < 200 || code > 599 {
		return 0, fmt.Errorf("plugin: CGI Status %q", st)
	}
	return code, nil
}
