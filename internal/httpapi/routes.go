package httpapi

import (
	"net/http"
)

// handlerFunc is a route handler. It returns an error instead of writing
// one, so that failures are rendered in one place (see renderError).
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// routes is the whole HTTP surface in one table. The name is the route label
// of the metrics and of nothing else; patterns without a method answer 405
// for the methods the API does not take, instead of falling through to Web.
func (s *Server) routes() *http.ServeMux {
	table := []struct {
		pattern string
		name    string
		h       handlerFunc
	}{
		{"GET /execute/{module}/{function}", "execute", s.executeWithCredentials},
		{"POST /execute/{module}/{function}", "execute", s.executeWithCredentials},
		{"/execute/{module}/{function}", "execute", methodNotAllowed("GET, POST")},

		{"GET /{session}/execute/{module}/{function}", "execute_session", s.executeInSession},
		{"POST /{session}/execute/{module}/{function}", "execute_session", s.executeInSession},
		{"/{session}/execute/{module}/{function}", "execute_session", methodNotAllowed("GET, POST")},

		{"POST /login/{$}", "login", s.login},
		{"POST /login", "login", s.login},
		{"GET /logout/{$}", "logout", s.logout},
		{"POST /logout/{$}", "logout", s.logout},
		{"GET /logout", "logout", s.logout},
		{"POST /logout", "logout", s.logout},

		{"GET /{session}/login/{$}", "ticket_login", s.ticketLogin},

		{"GET /healthz", "healthz", s.health},
		{"GET /openapi.json", "openapi", s.serveOpenAPI},
		{"GET /metrics", "metrics", s.serveMetrics},

		{"/", "web", s.web},
	}
	mux := http.NewServeMux()
	for _, rt := range table {
		mux.Handle(rt.pattern, s.handle(rt.name, rt.h))
	}
	return mux
}

// handle adapts a route handler: it names the route for the access log and
// metrics, and renders the error the handler returns.
func (s *Server) handle(route string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infoFrom(r.Context()).route = route
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	})
}

// web hands everything that is not an API route to the web UI.
func (s *Server) web(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Web == nil {
		infoFrom(r.Context()).route = "not_found"
		return errNotFound
	}
	s.cfg.Web.ServeHTTP(w, r)
	return nil
}

// health answers load balancers and systemd watchdogs. The cause of a
// failure goes to the log only: /healthz is reachable without a login.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	status, body := http.StatusOK, "ok"
	if s.cfg.Health != nil {
		if err := s.cfg.Health(r.Context()); err != nil {
			s.log.WarnContext(r.Context(), "health check failed", "req_id", infoFrom(r.Context()).id, "err", err)
			status, body = http.StatusServiceUnavailable, "unavailable"
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
	return nil
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.Metrics == nil {
		return errNotFound
	}
	s.cfg.Metrics.ServeHTTP(w, r)
	return nil
}

func methodNotAllowed(allow string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Allow", allow)
		return &httpError{code: http.StatusMethodNotAllowed, msg: "The method " + r.Method + " is not allowed here."}
	}
}
