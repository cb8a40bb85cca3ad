package webdavd

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// maxXMLBody bounds the XML bodies x/net/webdav decodes in full (PROPFIND,
// PROPPATCH, LOCK), so that a client cannot make it parse gigabytes.
const maxXMLBody = 1 << 20

// readMethod reports the methods a read-only login may use. Everything
// else, including methods unknown to WebDAV, can change something and is
// refused.
func readMethod(m string) bool {
	switch m {
	case http.MethodOptions, http.MethodGet, http.MethodHead, http.MethodPost, "PROPFIND":
		return true
	}
	return false
}

// emptyPrefixRE finds a namespace prefix bound to the empty name
// (xmlns:p=""), which XML Namespaces 1.0 forbids but encoding/xml accepts.
var emptyPrefixRE = regexp.MustCompile(`xmlns:[^\s=>/]+\s*=\s*(""|'')`)

// checkXMLBody reads the XML body of PROPFIND, PROPPATCH and LOCK in
// advance: it refuses a body over maxXMLBody (413) and a namespace
// declaration XML forbids (400), and puts the bytes back for x/net/webdav.
// It returns 0 when the request may go on.
func checkXMLBody(r *http.Request) int {
	switch r.Method {
	case "PROPFIND", "PROPPATCH", "LOCK":
	default:
		return 0
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxXMLBody+1))
	switch {
	case err != nil:
		return http.StatusBadRequest
	case len(body) > maxXMLBody:
		return http.StatusRequestEntityTooLarge
	case emptyPrefixRE.Match(body):
		return http.StatusBadRequest
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return 0
}

// copiesIntoItself reports a COPY whose destination lies inside its
// source: x/net/webdav would recurse into its own output until its depth
// limit, filling the disk with a thousand nested copies.
func copiesIntoItself(r *http.Request) bool {
	if r.Method != "COPY" {
		return false
	}
	u, err := url.Parse(r.Header.Get("Destination"))
	if err != nil {
		return false // x/net/webdav answers 400
	}
	src, dst := path.Clean("/"+r.URL.Path), path.Clean("/"+u.Path)
	return src == "/" || strings.HasPrefix(dst, src+"/")
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
