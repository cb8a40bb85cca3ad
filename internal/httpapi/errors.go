package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/uapi"
)

// httpError is a failure with its HTTP answer. The client sees msg (or body);
// err, when set, is the cause and goes to the log only.
type httpError struct {
	code       int
	msg        string        // the one entry of the result object's errors
	body       any           // replaces the result object (login answers)
	challenge  bool          // add WWW-Authenticate: Basic
	retryAfter time.Duration // add Retry-After
	err        error
}

// Error implements error for logs; clients never see this text.
func (e *httpError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("http %d: %s: %v", e.code, e.msg, e.err)
	}
	return fmt.Sprintf("http %d: %s", e.code, e.msg)
}

// Unwrap returns the cause.
func (e *httpError) Unwrap() error { return e.err }

var errNotFound = &httpError{code: http.StatusNotFound, msg: "The requested URL was not found on this server."}

// renderError answers a failed request. An *httpError says how; any other
// error is a bug or an outage: it is logged with the request id and the
// client gets a 500 naming only that id, as the engine does for calls.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		info := infoFrom(r.Context())
		s.log.ErrorContext(r.Context(), "request failed", "req_id", info.id, "account", info.account,
			"path", logPath(r), "err", err)
		he = internalError(info.id)
	}
	if he.challenge {
		w.Header().Set("WWW-Authenticate", `Basic realm="uapid"`)
	}
	if he.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(he.retryAfter.Seconds())))
	}
	body := he.body
	if body == nil {
		body = failureResult(he.msg)
	}
	if err := writeJSON(w, he.code, body); err != nil {
		s.log.ErrorContext(r.Context(), "encode error body", "req_id", infoFrom(r.Context()).id, "err", err)
	}
}

func internalError(id string) *httpError {
	return &httpError{code: http.StatusInternalServerError,
		msg: fmt.Sprintf("An internal error occurred. The request id is %s; the server log has the details.", id)}
}

// failureResult is a result object as the engine builds one for a failed
// call, so that a JSON client reads a transport failure the same way.
func failureResult(msg string) *uapi.Result {
	return &uapi.Result{Status: 0, Errors: []string{msg}, Metadata: map[string]any{}}
}

// jsonBuffers hold answers while they are encoded: a list_ftp answer of 250
// logins grew a fresh buffer to 32 KiB, 64 KiB allocated per request. A
// buffer that grew past maxPooledJSON is left to the collector, so one huge
// answer does not stay pinned.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledJSON = 256 << 10

// writeJSON writes v as cPanel does: without HTML escaping (Perl's JSON
// writers leave <, > and & alone) and without a trailing newline.
func writeJSON(w http.ResponseWriter, code int, v any) error {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= maxPooledJSON {
			buf.Reset()
			jsonBuffers.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("httpapi: encode %T: %w", v, err)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	h := w.Header()
	h.Set("Content-Type", `application/json; charset="utf-8"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(body) // a client that went away needs no answer
	return nil
}
