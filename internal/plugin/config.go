package plugin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/uapid/uapid/internal/liveapi"
	"github.com/uapid/uapid/internal/sandbox"
)

// Defaults of Config's zero fields.
const (
	DefaultTimeout    = 60 * time.Second
	DefaultMaxOutput  = 8 << 20 // bytes an executable page may print, headers included
	DefaultMaxBody    = 8 << 20 // bytes of a request body passed to an executable page
	DefaultMaxRunning = 16      // executable pages running at once
)

// maxTemplate bounds a template page's source; a larger one is an
// operator's mistake, not a page.
const maxTemplate = 1 << 20

// Config configures plugin pages. Only Dir is required.
type Config struct {
	// Dir is the plugin folder: each plugin is a directory in it, each page
	// a file in that directory. It must exist.
	Dir string
	// Timeout bounds one run of an executable page; 0 means
	// DefaultTimeout. When it passes, the program's whole process group is
	// killed and the page answers 504.
	Timeout time.Duration
	// MaxOutput bounds what an executable page prints; 0 means
	// DefaultMaxOutput. A program that prints more is killed (502).
	MaxOutput int64
	// MaxBody bounds a request body passed to an executable page; 0 means
	// DefaultMaxBody. A larger body is refused (413).
	MaxBody int64
	// MaxRunning bounds the executable pages running at once, over all
	// sessions; 0 means DefaultMaxRunning. Past it a page answers 503.
	MaxRunning int
	// Interpreters runs pages without the executable bit by the end of
	// their name: ".live.pl" → perl FILE. nil means DefaultInterpreters.
	Interpreters map[string][]string
	// LiveAPI configures the pages' LiveAPI sockets.
	LiveAPI liveapi.Config
	// LibDir is where the libraries pages load (Cpanel::LiveAPI, the
	// CPANEL class, the Template Toolkit renderer; package livelib) are
	// installed at start; "" means a new temporary directory, removed by
	// Server.Close. Its contents are rewritten on every start.
	LibDir string
	// NoPrograms refuses executable pages, Template Toolkit pages included
	// (403); Go template and static pages still work. The daemon sets it
	// when the operator turns plugin_exec off, or when programs cannot be
	// confined.
	NoPrograms bool
	// Sandbox confines programs (package sandbox): their own user, limits,
	// and namespaces that hide uapid's data. nil runs them as the daemon's
	// own user, unconfined: only for code trusted as uapid itself.
	Sandbox *sandbox.Sandbox
}

// DefaultInterpreters runs cPanel's LiveAPI script names as cPanel does:
// Perl scripts with perl, PHP scripts with php-cgi (which prints CGI
// headers). A page with the executable bit runs by itself (its #! line).
func DefaultInterpreters() map[string][]string {
	return map[string][]string{
		".live.pl":  {"perl"},
		".livepl":   {"perl"},
		".live.php": {"php-cgi"},
		".livephp":  {"php-cgi"},
	}
}

// withDefaults fills in zero fields and makes Dir absolute (an executable
// page runs by its absolute path).
func (c Config) withDefaults() (Config, error) {
	if c.Dir == "" {
		return c, errors.New("plugin: no plugin folder configured")
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return c, fmt.Errorf("plugin: plugin folder %s: %w", c.Dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return c, fmt.Errorf("plugin: plugin folder: %w", err)
	}
	if !fi.IsDir() {
		return c, fmt.Errorf("plugin: plugin folder %s is not a directory", dir)
	}
	c.Dir = dir
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxOutput <= 0 {
		c.MaxOutput = DefaultMaxOutput
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.MaxRunning <= 0 {
		c.MaxRunning = DefaultMaxRunning
	}
	if c.Interpreters == nil {
		c.Interpreters = DefaultInterpreters()
	}
	return c, nil
}
