package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/liveapi"
	"github.com/uapid/uapid/internal/livelib"
	"github.com/uapid/uapid/internal/pagehost"
	"github.com/uapid/uapid/internal/sandbox"
	"github.com/uapid/uapid/internal/uapi"
)

// serveProgram runs an executable page as a CGI program for the session's
// account, with a LiveAPI socket that lives exactly as long as the run.
func (s *Server) serveProgram(w http.ResponseWriter, r *http.Request, p *pagehost.Request, f *pageFile) {
	if !allowMethod(w, r, p, http.MethodGet, http.MethodHead, http.MethodPost) {
		return
	}
	argv, err := s.command(f)
	if err != nil {
		p.Host.InternalError(w, r, err)
		return
	}
	stdin, status := requestBody(w, r, s.cfg.MaxBody)
	if status != 0 {
		p.Host.Error(w, r, status, http.StatusText(status), "The request body cannot be passed to this page.")
		return
	}
	select {
	case s.running <- struct{}{}:
		defer func() { <-s.running }()
	default:
		p.Host.Error(w, r, http.StatusServiceUnavailable, "Busy", "Too many plugin pages are running. Try again in a moment.")
		return
	}
	start := time.Now()
	res, err := s.runPage(r, p, f, argv, stdin)
	if err != nil {
		p.Host.InternalError(w, r, err)
		return
	}
	s.logRun(r, p, f, res, time.Since(start))
	s.answer(w, r, p, res)
}

// runPage opens the page's socket, runs the program as the account's
// sandbox user, and removes the socket before the page is answered.
func (s *Server) runPage(r *http.Request, p *pagehost.Request, f *pageFile, argv []string, stdin io.Reader) (*result, error) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	var who sandbox.Identity
	if s.cfg.Sandbox != nil {
		var err error
		if who, err = s.cfg.Sandbox.Identity(p.Account.ID); err != nil {
			return nil, fmt.Errorf("plugin: %s/%s: %w", p.Plugin, f.name, err)
		}
	}
	sock, err := s.live.Open(ctx, p.Account)
	if err != nil {
		return nil, fmt.Errorf("plugin: %s/%s: %w", p.Plugin, f.name, err)
	}
	if err := s.prepareSocket(r, p, sock, who); err != nil {
		_ = sock.Close()
		return nil, fmt.Errorf("plugin: %s/%s: %w", p.Plugin, f.name, err)
	}
	dir := filepath.Dir(f.path)
	res := s.run(ctx, &job{argv: argv, dir: dir, env: s.environ(r, p, f, sock.Path()), stdin: stdin,
		sock: sock, binds: s.binds(dir, sock, p), who: who})
	if err := sock.Close(); err != nil {
		s.log.ErrorContext(r.Context(), "plugin: close LiveAPI socket", "req_id", uapi.RequestID(r.Context()),
			"account", p.Account.Name, "plugin", p.Plugin, "err", err)
	}
	res.timedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
	return res, nil
}

// prepareSocket hands the socket to the account's sandbox user, if there
// is a sandbox, and leaves the chrome beside it.
func (s *Server) prepareSocket(r *http.Request, p *pagehost.Request, sock *liveapi.Socket, who sandbox.Identity) error {
	if s.cfg.Sandbox != nil {
		if err := sock.Grant(who.UID); err != nil {
			return err
		}
	}
	return writeChrome(r, p, sock.Dir())
}

// binds is what a confined page sees besides the system: its plugin's
// folder, its socket's directory, the libraries at cPanel's path, and the
// account's home, all read-only but the socket's directory.
func (s *Server) binds(pluginDir string, sock *liveapi.Socket, p *pagehost.Request) []sandbox.Bind {
	b := []sandbox.Bind{
		{Src: pluginDir, Dst: pluginDir},
		{Src: sock.Dir(), Dst: sock.Dir(), Writable: true},
		{Src: s.libDir, Dst: s.lib},
	}
	if fi, err := os.Stat(p.Account.HomeDir); err == nil && fi.IsDir() {
		b = append(b, sandbox.Bind{Src: p.Account.HomeDir, Dst: p.Account.HomeDir})
	}
	return b
}

// writeChrome leaves the UI's layout, split where a page's content goes,
// beside the page's socket: LiveAPI's header() and footer() and Template
// Toolkit's master wrapper print it.
func writeChrome(r *http.Request, p *pagehost.Request, dir string) error {
	header, footer, err := p.Host.Chrome(r)
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{"header.html": header, "footer.html": footer} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("write chrome: %w", err)
		}
	}
	return nil
}

// command is how a page runs: a Template Toolkit page by uapid's
// renderer; by itself when it has the executable bit (its #! line picks
// the interpreter), else through the interpreter its name ends with.
func (s *Server) command(f *pageFile) ([]string, error) {
	if f.kind == kindTT {
		return []string{"perl", path.Join(s.lib, livelib.TTRenderer), f.path}, nil
	}
	if f.info.Mode()&0o111 != 0 {
		return []string{f.path}, nil
	}
	suffixes := make([]string, 0, len(s.cfg.Interpreters))
	for suffix := range s.cfg.Interpreters {
		suffixes = append(suffixes, suffix)
	}
	// Longest first, so ".live.pl" wins over ".pl" whatever the map holds.
	slices.SortFunc(suffixes, func(a, b string) int { return len(b) - len(a) })
	for _, suffix := range suffixes {
		if argv := s.cfg.Interpreters[suffix]; strings.HasSuffix(f.name, suffix) && len(argv) > 0 {
			return append(slices.Clone(argv), f.path), nil
		}
	}
	return nil, fmt.Errorf("plugin: %s is neither executable nor run by a configured interpreter", f.path)
}

// requestBody returns what the program reads on its standard input, or
// the status that refuses the body: a CGI program needs its length up
// front, and it must fit the limit.
func requestBody(w http.ResponseWriter, r *http.Request, max int64) (io.Reader, int) {
	switch {
	case r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody:
		return nil, 0
	case r.ContentLength < 0:
		return nil, http.StatusLengthRequired
	case r.ContentLength > max:
		return nil, http.StatusRequestEntityTooLarge
	}
	return http.MaxBytesReader(w, r.Body, r.ContentLength), 0
}

// logRun records one run with the keys every transport logs.
func (s *Server) logRun(r *http.Request, p *pagehost.Request, f *pageFile, res *result, elapsed time.Duration) {
	attrs := []any{"req_id", uapi.RequestID(r.Context()), "account", p.Account.Name, "proto", "plugin",
		"plugin", p.Plugin, "page", f.name, "elapsed", elapsed, "bytes", len(res.stdout)}
	if len(res.stderr) > 0 {
		attrs = append(attrs, "stderr", string(res.stderr))
	}
	if res.err != nil || res.timedOut || res.overflow {
		attrs = append(attrs, "err", res.err, "timed_out", res.timedOut, "too_much_output", res.overflow)
		s.log.WarnContext(r.Context(), "plugin page", attrs...)
		return
	}
	s.log.InfoContext(r.Context(), "plugin page", attrs...)
}
