package plugin

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/uapid/uapid/internal/liveapi"
	"github.com/uapid/uapid/internal/livelib"
	"github.com/uapid/uapid/internal/pagehost"
	"github.com/uapid/uapid/internal/sandbox"
	"github.com/uapid/uapid/internal/uapi"
)

// Server serves plugin pages; the web UI mounts it (pagehost.Pages). It holds no
// per-request state and is safe for concurrent use.
type Server struct {
	cfg     Config
	lib     string // the installed libraries, as pages see them
	libDir  string // where they are on the host
	tempLib string // a temporary LibDir that Close removes
	live    *liveapi.Server
	log     *slog.Logger
	running chan struct{} // one token per executable page running
}

// New returns the plugin pages of cfg.Dir, whose programs' LiveAPI calls
// run through eng. log may be nil. It fails when the folder is not
// configured or not a directory.
func New(cfg Config, eng *uapi.Engine, log *slog.Logger) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, live: liveapi.New(cfg.LiveAPI, eng, log), log: log,
		running: make(chan struct{}, cfg.MaxRunning)}
	if err := s.installLib(); err != nil {
		return nil, err
	}
	return s, nil
}

// installLib writes the libraries pages load into LibDir, or into a
// temporary directory when none is configured.
func (s *Server) installLib() error {
	dir := s.cfg.LibDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "uapid-plugin-lib-")
		if err != nil {
			return fmt.Errorf("plugin: library directory: %w", err)
		}
		dir, s.tempLib = tmp, tmp
	}
	s.libDir = dir
	s.lib = dir
	if s.cfg.Sandbox != nil && s.cfg.Sandbox.Namespaces() {
		s.lib = sandbox.CpanelDir // where the namespace shows dir
	}
	if err := livelib.Install(dir, s.lib); err != nil {
		s.Close()
		return fmt.Errorf("plugin: %w", err)
	}
	return nil
}

// Close removes what New made for the pages: a temporary library
// directory. Pages must not be served after it.
func (s *Server) Close() {
	if s.tempLib != "" {
		_ = os.RemoveAll(s.tempLib)
	}
}

// ServePluginPage answers one request for a plugin page in a logged-in
// session: a template page renders, an executable page runs, a stylesheet,
// script or image is sent; anything else is 404.
func (s *Server) ServePluginPage(w http.ResponseWriter, r *http.Request, p *pagehost.Request) {
	f, err := s.find(p.Plugin, p.Page)
	if errors.Is(err, errNoPage) {
		p.Host.NotFound(w, r)
		return
	} else if err != nil {
		p.Host.InternalError(w, r, err)
		return
	}
	defer f.root.Close()
	switch f.kind {
	case kindTemplate:
		s.serveTemplate(w, r, p, f)
	case kindProgram, kindTT:
		if s.cfg.NoPrograms {
			p.Host.Error(w, r, http.StatusForbidden, "Forbidden", "Executable plugin pages are turned off on this server (plugin_exec).")
			return
		}
		s.serveProgram(w, r, p, f)
	default:
		s.serveStatic(w, r, p, f)
	}
}

// serveTemplate renders a template page with the UI's layout and its
// execute function. A page is a GET: execute only reads.
func (s *Server) serveTemplate(w http.ResponseWriter, r *http.Request, p *pagehost.Request, f *pageFile) {
	if !allowMethod(w, r, p, http.MethodGet, http.MethodHead) {
		return
	}
	if f.info.Size() > maxTemplate {
		p.Host.InternalError(w, r, fmt.Errorf("plugin: template %s/%s is larger than %d bytes", p.Plugin, f.name, maxTemplate))
		return
	}
	src, err := f.root.ReadFile(f.name)
	if err != nil {
		p.Host.InternalError(w, r, fmt.Errorf("plugin: read template %s/%s: %w", p.Plugin, f.name, err))
		return
	}
	p.Host.RenderTemplate(w, r, f.name, string(src))
}

// serveStatic sends a file a plugin's pages load.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, p *pagehost.Request, f *pageFile) {
	if !allowMethod(w, r, p, http.MethodGet, http.MethodHead) {
		return
	}
	file, err := f.root.Open(f.name)
	if err != nil {
		p.Host.InternalError(w, r, fmt.Errorf("plugin: open %s/%s: %w", p.Plugin, f.name, err))
		return
	}
	defer file.Close()
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, f.name, f.info.ModTime(), file)
}

// allowMethod answers 405 unless the request's method is one of allowed.
func allowMethod(w http.ResponseWriter, r *http.Request, p *pagehost.Request, allowed ...string) bool {
	for _, m := range allowed {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	p.Host.Error(w, r, http.StatusMethodNotAllowed, "Method not allowed", "This page does not take "+r.Method+" requests.")
	return false
}

var _ pagehost.Pages = (*Server)(nil)
