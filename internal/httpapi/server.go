package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/uapi"
)

// DefaultMaxBodyBytes is the request body limit when Config.MaxBodyBytes is
// zero: far above any UAPI argument list, far below what could hurt memory.
const DefaultMaxBodyBytes int64 = 8 << 20

// DefaultRetryAfter is what a 429 answer tells the client to wait when
// Config.RetryAfter is zero: the shared limiter's default block time.
const DefaultRetryAfter = 15 * time.Minute

// Config configures the HTTP transport. Its zero value serves the API with
// no /metrics, an always-healthy /healthz and a 404 for every other path.
type Config struct {
	// Metrics serves GET /metrics (typically promhttp.HandlerFor the
	// registry given to New); nil answers 404.
	Metrics http.Handler
	// Health reports readiness for GET /healthz; nil means always ready.
	Health func(context.Context) error
	// SecureCookie adds Secure to the session cookie. Set it whenever
	// browsers reach the server over TLS, which is the normal case.
	SecureCookie bool
	// Web serves every request that no API route matches (the web UI).
	// It resolves sessions through auth itself; nil answers 404.
	Web http.Handler
	// MaxBodyBytes limits request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RetryAfter is sent with 429 answers; 0 means DefaultRetryAfter. Set it
	// to the limiter's block time.
	RetryAfter time.Duration
	// Version is info.version of GET /openapi.json; "" means "dev".
	Version string
}

// Server is the HTTP transport. It holds no per-request state and is safe
// for concurrent use; one Server may serve several listeners.
type Server struct {
	cfg     Config
	eng     *uapi.Engine
	auth    *auth.Authenticator
	log     *slog.Logger
	metrics *metrics
	openAPI func() []byte // GET /openapi.json: the registry never changes, so it is encoded once, when first asked for
	handler http.Handler
}

// New returns a server that runs calls on eng and checks callers with au.
// Its metrics are registered on reg (nil: not registered); registering a
// second Server on the same registry shares the first one's collectors.
func New(cfg Config, eng *uapi.Engine, au *auth.Authenticator, log *slog.Logger, reg prometheus.Registerer) *Server {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = DefaultRetryAfter
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Version == "" {
		cfg.Version = "dev"
	}
	s := &Server{cfg: cfg, eng: eng, auth: au, log: log, metrics: newMetrics(reg)}
	s.openAPI = sync.OnceValue(func() []byte { return encodeOpenAPI(eng.Registry(), cfg.Version) })
	s.handler = s.observe(s.routes())
	return s
}

// Handler returns the HTTP handler serving every route, with request ids,
// access logging, metrics, security headers and panic recovery around them.
func (s *Server) Handler() http.Handler { return s.handler }
