package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
)

// Defaults of Config's zero fields.
const (
	DefaultUIDBase    = 2_000_000_000 // above systemd's container range (up to 0x6FFFFFFF), below 2^31
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
	// UIDBase places each account's Unix identity: its pages run as uid
	// and gid UIDBase + the account's id, so pages of different accounts
	// never share a user. Without namespaces a shared user could signal,
	// trace or read another account's running page and its files in /tmp;
	// with them, every account's pages would still share one process
	// limit (RLIMIT_NPROC counts a user's processes), so one account's
	// fork bomb would stop every other account's pages. 0 means
	// DefaultUIDBase. The range must hold no user of the system: a uid
	// that names one is refused at run time.
	UIDBase int64
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
	cfg  Config
	free sync.Map // uid (int) → struct{}: checked to name no system user
}

// Identity is the Unix user and group a run executes as.
type Identity struct{ UID, GID int }

// maxUID is the largest uid Linux accepts ((uid_t)-1 means "unchanged").
const maxUID = 1<<32 - 2

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
	if cfg.UIDBase < 1 || cfg.UIDBase > maxUID {
		return nil, fmt.Errorf("sandbox: uid base %d: want 1 to %d", cfg.UIDBase, maxUID)
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
	return &Sandbox{cfg: cfg}, nil
}

// CpanelDir is where programs find cPanel's libraries inside the
// namespace.
const CpanelDir = "/usr/local/cpanel"

func withDefaults(cfg Config) Config {
	if cfg.UIDBase == 0 {
		cfg.UIDBase = DefaultUIDBase
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

// Identity returns the user and group the pages of account id run as:
// UIDBase+id for both, unless that is out of range, uapid's own uid, or a
// user the system knows (whose files and processes a page would get).
func (s *Sandbox) Identity(id int64) (Identity, error) {
	if id < 1 || id > maxUID-s.cfg.UIDBase {
		return Identity{}, fmt.Errorf("sandbox: account id %d has no uid above base %d", id, s.cfg.UIDBase)
	}
	uid := int(s.cfg.UIDBase + id)
	if _, ok := s.free.Load(uid); ok {
		return Identity{UID: uid, GID: uid}, nil
	}
	if uid == os.Getuid() {
		return Identity{}, fmt.Errorf("sandbox: uid %d of account %d is uapid's own: choose another plugin_uid_base", uid, id)
	}
	if u, err := user.LookupId(strconv.Itoa(uid)); err == nil {
		return Identity{}, fmt.Errorf("sandbox: uid %d of account %d belongs to the system user %s: choose a plugin_uid_base whose range holds no user", uid, id, u.Username)
	}
	if g, err := user.LookupGroupId(strconv.Itoa(uid)); err == nil {
		return Identity{}, fmt.Errorf("sandbox: gid %d of account %d belongs to the group %s: choose a plugin_uid_base whose range holds no group", uid, id, g.Name)
	}
	s.free.Store(uid, struct{}{})
	return Identity{UID: uid, GID: uid}, nil
}

// Namespaces reports whether programs run in their own namespaces.
func (s *Sandbox) Namespaces() bool { return !s.cfg.NoNamespaces }

// UIDBase returns the base of the accounts' uids.
func (s *Sandbox) UIDBase() int64 { return s.cfg.UIDBase }

// Command returns a command that runs argv confined as who (an Identity
// of the account the run is for), in dir, with env as its whole
// environment, seeing binds. The caller sets Stdin, Stdout and
// Stderr, starts it, and kills its process group (its pid) to stop it:
// the program leads a new session. Start sends the Spec; call Started
// after Start and Abort if Start failed.
func (s *Sandbox) Command(ctx context.Context, who Identity, argv []string, dir string, env []string, binds []Bind) (*Run, error) {
	if len(argv) == 0 {
		return nil, errors.New("sandbox: no program")
	}
	if who.UID <= 0 || who.GID <= 0 {
		return nil, errors.New("sandbox: no identity to run as")
	}
	spec := Spec{Argv: argv, Env: env, Dir: dir, Bind: binds, UID: who.UID, GID: who.GID, Limits: s.cfg.Limits,
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
