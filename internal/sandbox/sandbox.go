package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
)

// Defaults of Config's zero fields.
const (
	DefaultUser       = "uapid-plugin"
	DefaultCPUSeconds = 30
	DefaultMemory     = 1 << 30 // address space; PHP and Perl reserve more than they use
	DefaultProcesses  = 64
	DefaultFileSize   = 64 << 20
	DefaultOpenFiles  = 256
	DefaultTmpSize    = 64 << 20
)

// HelperCommand is the argument that makes uapid run Exec.
const HelperCommand = "sandbox-exec"

// ErrUnavailable is returned by New when this process cannot confine
// programs: it does not run as root, or not on Linux.
var ErrUnavailable = errors.New("sandbox: unavailable")

// Config configures the sandbox. Helper is required.
type Config struct {
	// User is the system user programs run as; "" means DefaultUser. It
	// is created (a system user with its own group, no home, no shell)
	// when missing. It must not be root or the daemon's user.
	User string
	// Limits of every run; zero fields take the defaults.
	Limits Limits
	// Hide lists paths a program must not see: uapid's data directory
	// (database, keys, certificates, admin socket), its configuration
	// file, TLS files kept elsewhere. Directories are covered by an empty
	// file system, files by /dev/null.
	Hide []string
	// Network keeps the host's network for programs; by default they have
	// none (only the LiveAPI socket), so they cannot reach databases or
	// services that trust local connections.
	Network bool
	// NoNamespaces runs programs with the user and limits only. New sets
	// it by itself when the kernel refuses to make namespaces (some
	// containers); then file permissions alone keep the data directory
	// (mode 0700) away.
	NoNamespaces bool
	// TmpSize bounds each private temporary directory; 0 means
	// DefaultTmpSize.
	TmpSize int64
	// Helper is the command that runs Exec: uapid's own executable and
	// HelperCommand, or a test binary. HelperEnv is its environment.
	Helper    []string
	HelperEnv []string
}

// Sandbox starts confined programs. It is safe for concurrent use.
type Sandbox struct {
	cfg      Config
	uid, gid int
}

// Supported reports why programs cannot be confined here (ErrUnavailable),
// or nil: confining needs Linux and root, or the capabilities CAP_CHOWN,
// CAP_SETGID, CAP_SETUID and CAP_SYS_ADMIN.
func Supported() error { return supported() }

// New checks that programs can be confined as cfg says, creating the user
// when it is missing, and finds out whether namespaces can be made. It
// fails with ErrUnavailable where Supported does.
func New(cfg Config, log *slog.Logger) (*Sandbox, error) {
	if err := supported(); err != nil {
		return nil, err
	}
	if len(cfg.Helper) == 0 {
		return nil, errors.New("sandbox: no helper command configured")
	}
	cfg = withDefaults(cfg)
	uid, gid, err := ensureUser(cfg.User, log)
	if err != nil {
		return nil, err
	}
	if uid == 0 || gid == 0 || uid == os.Getuid() {
		return nil, fmt.Errorf("sandbox: user %s has uid %d and gid %d: it must be neither root nor uapid's own user", cfg.User, uid, gid)
	}
	for i, p := range cfg.Hide {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("sandbox: hide %s: %w", p, err)
		}
		cfg.Hide[i] = abs
	}
	if !cfg.NoNamespaces {
		if err := probeNamespaces(cfg.Network); err != nil {
			log.Warn("sandbox: the kernel refuses new namespaces; plugin programs run with their own user and limits only, and file permissions alone keep uapid's data away", "err", err)
			cfg.NoNamespaces = true
		}
	}
	if !cfg.NoNamespaces {
		// The mount point of the libraries inside the namespace. cPanel's
		// path; an empty directory on the host.
		if err := os.MkdirAll(CpanelDir, 0o755); err != nil {
			return nil, fmt.Errorf("sandbox: the libraries' mount point (create %s as root): %w", CpanelDir, err)
		}
	}
	return &Sandbox{cfg: cfg, uid: uid, gid: gid}, nil
}

// CpanelDir is where programs find cPanel's libraries inside the
// namespace.
const CpanelDir = "/usr/local/cpanel"

func withDefaults(cfg Config) Config {
	if cfg.User == "" {
		cfg.User = DefaultUser
	}
	l := &cfg.Limits
	for _, d := range []struct {
		v   *uint64
		def uint64
	}{{&l.CPUSeconds, DefaultCPUSeconds}, {&l.Memory, DefaultMemory}, {&l.Processes, DefaultProcesses},
		{&l.FileSize, DefaultFileSize}, {&l.OpenFiles, DefaultOpenFiles}} {
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if cfg.TmpSize <= 0 {
		cfg.TmpSize = DefaultTmpSize
	}
	cfg.Hide = append([]string(nil), cfg.Hide...)
	return cfg
}

// UID returns the uid programs run as: the one LiveAPI sockets answer.
func (s *Sandbox) UID() int { return s.uid }

// Namespaces reports whether programs run in their own namespaces.
func (s *Sandbox) Namespaces() bool { return !s.cfg.NoNamespaces }

// User returns the name of the user programs run as.
func (s *Sandbox) User() string { return s.cfg.User }

// Command returns a command that runs argv confined, in dir, with env as
// its whole environment, seeing binds. The caller sets Stdin, Stdout and
// Stderr, starts it, and kills its process group (its pid) to stop it:
// the program leads a new session. Start sends the Spec; call Started
// after Start and Abort if Start failed.
func (s *Sandbox) Command(ctx context.Context, argv []string, dir string, env []string, binds []Bind) (*Run, error) {
	if len(argv) == 0 {
		return nil, errors.New("sandbox: no program")
	}
	spec := Spec{Argv: argv, Env: env, Dir: dir, Bind: binds, UID: s.uid, GID: s.gid, Limits: s.cfg.Limits,
		Namespaces: !s.cfg.NoNamespaces, Network: s.cfg.Network, Hide: s.cfg.Hide, TmpSize: s.cfg.TmpSize}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	cmd := exec.CommandContext(ctx, s.cfg.Helper[0], s.cfg.Helper[1:]...)
	cmd.Env = append([]string{}, s.cfg.HelperEnv...) // never nil: nil would pass on uapid's own environment
	cmd.Dir = "/"
	cmd.ExtraFiles = []*os.File{r} // fd 3
	cmd.SysProcAttr = sysProcAttr(spec)
	return &Run{Cmd: cmd, spec: b, r: r, w: w}, nil
}

// Run is one confined program being started.
type Run struct {
	Cmd  *exec.Cmd
	spec []byte
	r, w *os.File
}

// Started sends the spec to the helper once it runs. The write happens in
// the background: a spec larger than a pipe holds must not block the page.
func (r *Run) Started() {
	_ = r.r.Close()
	go func() {
		_, _ = r.w.Write(r.spec)
		_ = r.w.Close()
	}()
}

// Abort releases what Command made for a run that did not start.
func (r *Run) Abort() {
	_ = r.r.Close()
	_ = r.w.Close()
}
