package whm

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/tlscert"
)

// Config is what the WHM server needs to know about its node.
type Config struct {
	Hostname     string        // gethostname, and the host of login URLs
	CPanelURL    func() string // the HTTPS API's base URL (https://host:2083), for login URLs
	Version      string        // the uapid version `version` reports
	MaxBodyBytes int64         // largest POST body; 0: 1 MiB
	RetryAfter   time.Duration // told to a blocked address; 0: 15 minutes
}

// Server serves WHM API 1.
type Server struct {
	cfg      Config
	accounts *account.Service
	auth     *auth.Authenticator
	log      *slog.Logger
	funcs    map[string]function
}

// New returns a server over the account service, authenticating operators
// with au (which must have UseOperator called).
func New(cfg Config, accounts *account.Service, au *auth.Authenticator, log *slog.Logger) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = 15 * time.Minute
	}
	s := &Server{cfg: cfg, accounts: accounts, auth: au, log: log}
	s.funcs = make(map[string]function)
	for _, f := range s.functions() {
		s.funcs[f.name] = f
	}
	return s
}

// Handler returns the HTTP surface: /json-api/FUNCTION by GET or POST.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /json-api/{function}", s.serveCall)
	mux.HandleFunc("POST /json-api/{function}", s.serveCall)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeResult(w, http.StatusNotFound, failure("", "Not found: WHM API 1 is served at /json-api/FUNCTION."))
	})
	return secure(mux)
}

// secure sets the headers every WHM answer carries: HSTS over TLS (an
// operator's browser or billing system must not be led to plain HTTP) and
// no MIME sniffing of the JSON.
func secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", tlscert.HSTS)
		}
		next.ServeHTTP(w, r)
	})
}

// serveCall authenticates the operator, reads the arguments, runs the
// function and writes WHM's result object. Function failures answer 200
// with result 0, as cPanel does; credential failures answer 401 (429 for a
// blocked address) before any argument is looked at.
func (s *Server) serveCall(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("function")
	start, reqID := time.Now(), newRequestID()
	if status, reason := s.authenticate(r, name); status != 0 {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(s.cfg.RetryAfter.Seconds())))
		}
		writeResult(w, status, failure(name, reason))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writeResult(w, http.StatusBadRequest, failure(name, "The arguments could not be read: "+err.Error()))
		return
	}
	res := s.call(r.Context(), name, &args{v: r.Form}, reqID)
	s.log.InfoContext(r.Context(), "whm call", "req_id", reqID, "function", name, "result", res.Metadata.Result,
		"remote", remoteAddr(r), "ms", time.Since(start).Milliseconds())
	writeResult(w, http.StatusOK, res)
}

// call runs one function and turns its outcome into a result.
func (s *Server) call(ctx context.Context, name string, a *args, reqID string) Result {
	if v := a.optional("1", "api.version"); v != "1" {
		return failure(name, "Invalid parameter “api.version”: uapid speaks WHM API 1 only (api.version=1).")
	}
	f, ok := s.funcs[name]
	if !ok {
		return failure(name, "Unknown app (“"+name+"”) requested for this version (1) of the API.")
	}
	rep, err := f.run(ctx, a)
	if err != nil {
		return failure(name, s.reason(ctx, name, reqID, err))
	}
	if rep.reason == "" {
		rep.reason = "OK"
	}
	res := Result{Data: rep.data, Metadata: Metadata{Command: name, Reason: rep.reason, Result: 1, Version: 1}}
	if rep.raw != "" {
		res.Metadata.Output = &Output{Raw: rep.raw}
	}
	return res
}

// reason is the text a failed function answers: the domain error's
// message, or for anything else a generic text with the request id (the
// cause goes to the log only).
func (s *Server) reason(ctx context.Context, name, reqID string, err error) string {
	if hosting.ErrorCode(err) != hosting.EINTERNAL {
		return hosting.ErrorMessage(err)
	}
	s.log.ErrorContext(ctx, "whm call failed", "req_id", reqID, "function", name, "err", err)
	return "Internal error (request " + reqID + "); the server log has the details."
}

// authenticate checks `Authorization: whm root:TOKEN` and returns 0 when
// it passes, or the HTTP status and the reason to answer.
func (s *Server) authenticate(r *http.Request, name string) (int, string) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	user, token, ok := strings.Cut(strings.TrimSpace(cred), ":")
	if !strings.EqualFold(scheme, "whm") || !ok || user == "" || token == "" {
		s.log.DebugContext(r.Context(), "whm authentication failed", "reason", "no whm credentials", "remote", remoteAddr(r))
		return http.StatusUnauthorized, "Access denied: send Authorization: whm root:TOKEN with an operator API token."
	}
	_, err := s.auth.Operator(r.Context(), user, token, remoteAddr(r))
	switch {
	case err == nil:
		return 0, ""
	case errors.Is(err, auth.ErrLimited):
		s.log.WarnContext(r.Context(), "whm authentication refused", "reason", "limited", "remote", remoteAddr(r))
		return http.StatusTooManyRequests, "Too many failed login attempts. Try again later."
	case errors.Is(err, auth.ErrInvalid), errors.Is(err, auth.ErrTokenExpired):
		s.log.WarnContext(r.Context(), "whm authentication failed", "reason", err.Error(), "user", user,
			"function", name, "remote", remoteAddr(r))
		return http.StatusUnauthorized, "Access denied"
	}
	s.log.ErrorContext(r.Context(), "whm authentication error", "err", err)
	return http.StatusInternalServerError, "Internal error."
}

func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b[:])
}
