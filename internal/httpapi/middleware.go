package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/tlscert"
	"github.com/uapid/uapid/internal/uapi"
)

// requestInfo is what the outer middleware needs to learn from the inner
// handlers: the route that matched and the account that authenticated.
type requestInfo struct {
	id      string
	route   string
	account string
}

type requestInfoKey struct{}

// infoFrom returns the request's info. Requests that did not pass through
// observe (only possible in a mis-wired test) get a throwaway one.
func infoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// observe wraps every request: a fresh request id in the context (the engine
// quotes it in internal errors) and in X-Request-Id, security headers, panic
// recovery, the access log and the request metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// The id is always ours: a client-sent one could forge log lines.
		info := &requestInfo{id: newRequestID(), route: "unmatched"}
		ctx := context.WithValue(r.Context(), requestInfoKey{}, info)
		r = r.WithContext(uapi.WithRequestID(ctx, info.id))
		sw := &statusWriter{ResponseWriter: w}
		h := sw.Header()
		h.Set("X-Request-Id", info.id)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", tlscert.HSTS)
		}
		defer func() {
			abort := s.recoverPanic(sw, r, recover())
			elapsed := time.Since(start)
			s.metrics.observe(info.route, sw.code(), elapsed)
			s.accessLog(r, info, sw, elapsed)
			if abort != nil {
				panic(abort)
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// recoverPanic turns a handler panic into a 500 naming the request id, so
// one bad request cannot take the daemon down. It returns what must be
// re-panicked to make net/http drop the connection: http.ErrAbortHandler,
// which handlers use for exactly that, or a panic after half an answer went
// out, when closing the connection is the only honest end.
func (s *Server) recoverPanic(sw *statusWriter, r *http.Request, p any) (abort any) {
	if p == nil {
		return nil
	}
	if p == http.ErrAbortHandler {
		return p
	}
	info := infoFrom(r.Context())
	s.log.ErrorContext(r.Context(), "panic serving request", "req_id", info.id, "path", logPath(r), "panic", p)
	if sw.status != 0 {
		return http.ErrAbortHandler
	}
	_ = writeJSON(sw, http.StatusInternalServerError, failureResult(internalError(info.id).msg))
	return nil
}

func (s *Server) accessLog(r *http.Request, info *requestInfo, sw *statusWriter, elapsed time.Duration) {
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
		slog.String("req_id", info.id),
		slog.String("account", info.account),
		slog.String("proto", "https"),
		slog.String("remote", remoteAddr(r)),
		slog.String("method", r.Method),
		slog.String("path", logPath(r)),
		slog.Int("status", sw.code()),
		slog.Int64("bytes", sw.written),
		slog.Duration("duration", elapsed),
	)
}

// logPath is the path as logs may show it: never the query string (clients
// put passwords there), and the cpsess token blanked, since with a stolen
// cookie it is the rest of a session.
func logPath(r *http.Request) string {
	p := r.URL.Path
	first, rest, found := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if isSessionToken(first) {
		p = "/cpsess**********"
		if found {
			p += "/" + rest
		}
	}
	return p
}

// remoteAddr is the TCP peer's address without the port (the limiter counts
// per address, and the port changes with every connection). Proxy headers
// are not trusted: any client could set them.
func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newRequestID returns 16 random hex digits, encoded on the stack so that
// the string is the request's only allocation for it.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	var h [16]byte
	hex.Encode(h[:], b[:])
	return string(h[:])
}

// statusWriter records the status and size of the answer for the log and
// the metrics.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.written += int64(n)
	return n, err
}

// Flush lets the web UI stream; Unwrap lets http.ResponseController reach
// the connection.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK // the handler wrote nothing: net/http sends 200
	}
	return w.status
}
