// Package config is uapid's one validated configuration: defaults, then an
// optional YAML file, then UAPID_* environment variables (a variable ending
// in _FILE reads its value from a file, for secrets). The option table below
// is the only list of options; docs/configuration.md is generated from it.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config holds every setting. Constructors receive it (or the part they
// need); nothing reads a global.
type Config struct {
	DataDir         string
	Database        string // SQLite path or postgres:// DSN; empty: DataDir/uapid.db
	HTTPSAddr       string
	HTTPAddr        string // plain HTTP; empty: off
	WHMAddr         string // WHM API 1 over TLS for operators; empty: off
	FTPAddr         string // empty: FTP off
	FTPPassivePorts string // "30000-30100"; empty: any free port
	FTPPublicHost   string // address announced in PASV replies; empty: the control connection's
	FTPRequireTLS   bool
	WebDAVAddr      string // empty: Web Disk over TLS off
	WebDAVPlainAddr string // Web Disk over plain HTTP (Digest only); empty: off
	TLSCert         string // PEM files; empty: a self-signed pair in DataDir/tls
	TLSKey          string
	Hostname        string // shown in URLs and messages
	SessionIdle     time.Duration
	LogFormat       string // text or json
	LogLevel        string // debug, info, warn, error
	AdminSocket     string // empty: DataDir/uapid.sock
	MailUID         int    // owner Dovecot reads maildirs as; 0: the daemon's own
	MailGID         int
	MailFileGID     int // group of the published passwd-files (Dovecot's); 0: unchanged
	EmailQuotaMB    int64
	EmailMaxQuotaMB int64
	SMTPRelay       string // host:port of a relay for Subaccount invitations; empty: invitations off
	SMTPFrom        string
	InviteBaseURL   string // where invitation links point; empty: https://HOSTNAME:PORT
	PluginDir       string // cPanel-style plugin pages; empty: off
	PluginTimeout   time.Duration
	PluginExec      bool   // run executable plugin pages (PHP, Perl, CGI, Template Toolkit) in the sandbox
	NodeID          string // this node's name among those sharing a PostgreSQL database; empty: random
	DebugAddr       string // loopback address of the pprof listener; empty: off

	// The sandbox of executable plugin pages (internal/sandbox).
	PluginUIDBase    int  // account N's pages run as uid and gid PluginUIDBase+N
	PluginCPU        int  // CPU seconds of one run
	PluginMemoryMB   int  // address space of one process, MiB
	PluginProcs      int  // processes of one account's pages, all its runs together
	PluginFileSizeMB int  // largest file a page may write, MiB
	PluginNetwork    bool // pages keep the host's network (default: none)
	PluginUnconfined bool // run pages as the daemon's user when they cannot be confined

	// Web Disk lock limits (internal/webdavd LockLimits).
	WebDAVMaxLocks       int // locks one login may hold
	WebDAVMaxLocksTotal  int // locks all logins together may hold
	WebDAVLockOwnerMax   int // bytes of a LOCK's owner XML
	WebDAVLockTimeoutMax time.Duration

	Limits // connections, timeouts and shutdown grace per listener (limits.go)
}

type option struct {
	key, env, doc string
	def           func(c *Config) string
	set           func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func options() []option {
	return append([]option{
		{"data_dir", "UAPID_DATA_DIR", "Directory for the database, homes, certificates and the admin socket.",
			func(*Config) string { return defaultDataDir() }, str(func(c *Config) *string { return &c.DataDir })},
		{"database", "UAPID_DATABASE", "SQLite file path, or a postgres:// DSN to share accounts between nodes.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.Database })},
		{"https_addr", "UAPID_HTTPS_ADDR", "UAPI, login and web UI over TLS; `off` turns a listener off.",
			func(*Config) string { return ":2083" }, setAddr(func(c *Config) *string { return &c.HTTPSAddr })},
		{"http_addr", "UAPID_HTTP_ADDR", "The same over plain HTTP; off when empty.",
			func(*Config) string { return "" }, setAddr(func(c *Config) *string { return &c.HTTPAddr })},
		{"whm_addr", "UAPID_WHM_ADDR", "WHM API 1 over TLS for billing systems and operators (operator tokens only, see docs/whm.md); `off` turns it off.",
			func(*Config) string { return ":2087" }, setAddr(func(c *Config) *string { return &c.WHMAddr })},
		{"ftp_addr", "UAPID_FTP_ADDR", "FTP/FTPS control address; off when empty.",
			func(*Config) string { return defaultFTPAddr() }, setAddr(func(c *Config) *string { return &c.FTPAddr })},
		{"ftp_passive_ports", "UAPID_FTP_PASSIVE_PORTS", "Passive data port range, e.g. 30000-30100; any free port when empty.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.FTPPassivePorts })},
		{"ftp_public_host", "UAPID_FTP_PUBLIC_HOST", "Address announced in passive replies (behind NAT).",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.FTPPublicHost })},
		{"ftp_require_tls", "UAPID_FTP_REQUIRE_TLS", "Refuse FTP logins before AUTH TLS (true/false).",
			func(*Config) string { return "false" }, setBool(func(c *Config) *bool { return &c.FTPRequireTLS })},
		{"webdav_addr", "UAPID_WEBDAV_ADDR", "Web Disk (WebDAV over TLS); off when empty.",
			func(*Config) string { return ":2078" }, setAddr(func(c *Config) *string { return &c.WebDAVAddr })},
		{"webdav_plain_addr", "UAPID_WEBDAV_PLAIN_ADDR", "Web Disk over plain HTTP (cPanel's 2077; Basic refused there); off when empty.",
			func(*Config) string { return "" }, setAddr(func(c *Config) *string { return &c.WebDAVPlainAddr })},
		{"webdav_max_locks", "UAPID_WEBDAV_MAX_LOCKS", "WebDAV locks one Web Disk login may hold at once; more LOCKs get 507.",
			func(*Config) string { return "100" }, setPositive(func(c *Config) *int { return &c.WebDAVMaxLocks })},
		{"webdav_max_locks_total", "UAPID_WEBDAV_MAX_LOCKS_TOTAL", "WebDAV locks all logins together may hold (they live in memory); more LOCKs get 507.",
			func(*Config) string { return "10000" }, setPositive(func(c *Config) *int { return &c.WebDAVMaxLocksTotal })},
		{"webdav_lock_owner_max", "UAPID_WEBDAV_LOCK_OWNER_MAX", "Largest owner XML of a WebDAV LOCK, in bytes; a larger one gets 413.",
			func(*Config) string { return "4096" }, setPositive(func(c *Config) *int { return &c.WebDAVLockOwnerMax })},
		{"webdav_lock_timeout_max", "UAPID_WEBDAV_LOCK_TIMEOUT_MAX", "Longest WebDAV lock (Go duration, at least 1s); `Timeout: Infinite` gets this, and expired locks are removed every 30s.",
			func(*Config) string { return "1h" }, setDuration(func(c *Config) *time.Duration { return &c.WebDAVLockTimeoutMax })},
		{"tls_cert", "UAPID_TLS_CERT", "PEM certificate chain; a self-signed one is made when empty.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.TLSCert })},
		{"tls_key", "UAPID_TLS_KEY", "PEM private key for tls_cert.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.TLSKey })},
		{"hostname", "UAPID_HOSTNAME", "The server's name in URLs and certificates.",
			func(*Config) string { h, _ := os.Hostname(); return h }, str(func(c *Config) *string { return &c.Hostname })},
		{"session_idle", "UAPID_SESSION_IDLE", "Idle time after which a login session ends (Go duration).",
			func(*Config) string { return "15m" }, setDuration(func(c *Config) *time.Duration { return &c.SessionIdle })},
		{"log_format", "UAPID_LOG_FORMAT", "text or json.",
			func(*Config) string { return "text" }, str(func(c *Config) *string { return &c.LogFormat })},
		{"log_level", "UAPID_LOG_LEVEL", "debug, info, warn or error.",
			func(*Config) string { return "info" }, str(func(c *Config) *string { return &c.LogLevel })},
		{"mail_uid", "UAPID_MAIL_UID", "Numeric uid Dovecot accesses maildirs as; 0 means the daemon's own (required when uapid runs as root).",
			func(*Config) string { return "0" }, setInt(func(c *Config) *int { return &c.MailUID })},
		{"mail_gid", "UAPID_MAIL_GID", "Numeric gid for the same; 0 means the daemon's own.",
			func(*Config) string { return "0" }, setInt(func(c *Config) *int { return &c.MailGID })},
		{"mail_file_gid", "UAPID_MAIL_FILE_GID", "Group (numeric) given to the published Dovecot passwd-files, e.g. dovecot's; 0 leaves them alone.",
			func(*Config) string { return "0" }, setInt(func(c *Config) *int { return &c.MailFileGID })},
		{"email_quota_mb", "UAPID_EMAIL_QUOTA_MB", "Default mailbox quota in MiB when add_pop names none; 0 means 1024.",
			func(*Config) string { return "0" }, setInt64(func(c *Config) *int64 { return &c.EmailQuotaMB })},
		{"email_max_quota_mb", "UAPID_EMAIL_MAX_QUOTA_MB", "Largest mailbox quota in MiB; 0 means no maximum.",
			func(*Config) string { return "0" }, setInt64(func(c *Config) *int64 { return &c.EmailMaxQuotaMB })},
		{"smtp_relay", "UAPID_SMTP_RELAY", "host:port of an SMTP relay that accepts uapid's mail (Subaccount invitations); it must offer STARTTLS unless it is on this machine. Invitations are off when empty.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.SMTPRelay })},
		{"smtp_from", "UAPID_SMTP_FROM", "Sender address of invitations.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.SMTPFrom })},
		{"invite_base_url", "UAPID_INVITE_BASE_URL", "Base URL in invitation links; empty means https://HOSTNAME:HTTPS_PORT.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.InviteBaseURL })},
		{"plugin_dir", "UAPID_PLUGIN_DIR", "Folder of plugin pages (cPanel's LiveAPI PHP and Perl, Template Toolkit, CGI, Go templates; see docs/plugins.md); off when empty.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.PluginDir })},
		{"plugin_timeout", "UAPID_PLUGIN_TIMEOUT", "Longest run of an executable plugin page (Go duration).",
			func(*Config) string { return "60s" }, setDuration(func(c *Config) *time.Duration { return &c.PluginTimeout })},
		{"plugin_exec", "UAPID_PLUGIN_EXEC", "Run executable plugin pages: PHP, Perl, CGI and Template Toolkit (true/false). They run in the sandbox (each account as its own uid, limits, namespaces; see docs/plugins.md), which needs uapid to run as root or with the capabilities of deploy/uapid-plugins.conf; Go template pages work either way.",
			func(*Config) string { return "true" }, setBool(func(c *Config) *bool { return &c.PluginExec })},
		{"plugin_uid_base", "UAPID_PLUGIN_UID_BASE", "Executable plugin pages of account N run as uid and gid plugin_uid_base+N, so accounts never share a Unix user; the range must hold no user or group of the system (a page whose uid names one is refused).",
			func(*Config) string { return "2000000000" }, setInt(func(c *Config) *int { return &c.PluginUIDBase })},
		{"plugin_cpu", "UAPID_PLUGIN_CPU", "CPU seconds one run of a plugin page may use.",
			func(*Config) string { return "30" }, setInt(func(c *Config) *int { return &c.PluginCPU })},
		{"plugin_memory_mb", "UAPID_PLUGIN_MEMORY_MB", "Address space of one plugin process, MiB.",
			func(*Config) string { return "1024" }, setInt(func(c *Config) *int { return &c.PluginMemoryMB })},
		{"plugin_procs", "UAPID_PLUGIN_PROCS", "Processes one account's plugin pages may have, all its pages together.",
			func(*Config) string { return "64" }, setInt(func(c *Config) *int { return &c.PluginProcs })},
		{"plugin_file_size_mb", "UAPID_PLUGIN_FILE_SIZE_MB", "Largest file a plugin page may write, MiB.",
			func(*Config) string { return "64" }, setInt(func(c *Config) *int { return &c.PluginFileSizeMB })},
		{"plugin_network", "UAPID_PLUGIN_NETWORK", "Give plugin pages the host's network (true/false); by default they have none but their LiveAPI socket.",
			func(*Config) string { return "false" }, setBool(func(c *Config) *bool { return &c.PluginNetwork })},
		{"plugin_unconfined", "UAPID_PLUGIN_UNCONFINED", "Where pages cannot be confined (neither root nor those capabilities), run them as uapid's own user anyway (true/false): only for code you trust as you trust uapid, e.g. in development.",
			func(*Config) string { return "false" }, setBool(func(c *Config) *bool { return &c.PluginUnconfined })},
		{"node_id", "UAPID_NODE_ID", "This node's name in the nodes table when several nodes share a PostgreSQL database (see docs/cluster.md); a random name at each start when empty.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.NodeID })},
		{"debug_addr", "UAPID_DEBUG_ADDR", "Loopback address (e.g. 127.0.0.1:6060) of a Go pprof listener for profiling (see docs/operations.md); off when empty. Any other address is refused.",
			func(*Config) string { return "" }, setAddr(func(c *Config) *string { return &c.DebugAddr })},
		{"admin_socket", "UAPID_ADMIN_SOCKET", "Unix socket for the local uapi command line and operator commands.",
			func(*Config) string { return "" }, str(func(c *Config) *string { return &c.AdminSocket })},
	}, limitOptions()...)
}

// setAddr sets a listen address; "off" turns the listener off, which an
// empty environment variable cannot (empty means "not set").
func setAddr(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if strings.EqualFold(v, "off") {
			v = ""
		}
		*p(c) = v
		return nil
	}
}

func setBool(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false, not %q", v)
		}
		*p(c) = b
		return nil
	}
}

// setInt64 sets a non-negative integer option.
func setInt64(p func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("want a non-negative whole number, not %q", v)
		}
		*p(c) = n
		return nil
	}
}

// setInt sets a non-negative integer option that fits an int (ids).
func setInt(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil || n < 0 {
			return fmt.Errorf("want a non-negative whole number, not %q", v)
		}
		*p(c) = int(n)
		return nil
	}
}

// setPositive sets an integer option that must be at least 1 (a limit).
func setPositive(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
		if err != nil || n < 1 {
			return fmt.Errorf("want a whole number of at least 1, not %q", v)
		}
		*p(c) = int(n)
		return nil
	}
}

func setDuration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("want a positive duration such as 15m, not %q", v)
		}
		*p(c) = d
		return nil
	}
}

func defaultDataDir() string {
	if os.Geteuid() == 0 {
		return "/var/lib/uapid"
	}
	if d, err := os.UserHomeDir(); err == nil {
		return filepath.Join(d, ".local", "share", "uapid")
	}
	return "uapid-data"
}

// defaultFTPAddr is the standard port for root and a high one otherwise, so
// a developer's `uapid serve` starts without privileges.
func defaultFTPAddr() string {
	if os.Geteuid() == 0 {
		return ":21"
	}
	return ":2121"
}

// Load builds the configuration: defaults, then the YAML file at path (if
// path is not empty), then the environment as getenv reports it.
func Load(path string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	for _, o := range options() {
		if err := o.set(c, o.def(c)); err != nil {
			return nil, fmt.Errorf("config: default of %s: %w", o.key, err)
		}
	}
	if path != "" {
		if err := c.loadFile(path); err != nil {
			return nil, err
		}
	}
	if err := c.loadEnv(getenv); err != nil {
		return nil, err
	}
	c.fillDerived()
	return c, c.Validate()
}

func (c *Config) loadFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var raw map[string]string
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("config: %s: %w", path, err)
	}
	byKey := make(map[string]option)
	for _, o := range options() {
		byKey[o.key] = o
	}
	for k, v := range raw {
		o, ok := byKey[k]
		if !ok {
			return fmt.Errorf("config: %s: unknown option %q", path, k)
		}
		if err := o.set(c, v); err != nil {
			return fmt.Errorf("config: %s: %s: %w", path, k, err)
		}
	}
	return nil
}

func (c *Config) loadEnv(getenv func(string) string) error {
	for _, o := range options() {
		v := getenv(o.env)
		if f := getenv(o.env + "_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("config: %s_FILE: %w", o.env, err)
			}
			v = strings.TrimRight(string(b), "\r\n")
		}
		if v == "" {
			continue
		}
		if err := o.set(c, v); err != nil {
			return fmt.Errorf("config: %s: %w", o.env, err)
		}
	}
	return nil
}

func (c *Config) fillDerived() {
	if c.Database == "" {
		c.Database = filepath.Join(c.DataDir, "uapid.db")
	}
	if c.AdminSocket == "" {
		c.AdminSocket = filepath.Join(c.DataDir, "uapid.sock")
	}
	if c.SMTPFrom == "" {
		c.SMTPFrom = "uapid@" + c.Hostname
	}
}

// Validate checks values that can be wrong in ways a start-up should report.
func (c *Config) Validate() error {
	var errs []error
	for name, addr := range map[string]string{"https_addr": c.HTTPSAddr, "http_addr": c.HTTPAddr, "whm_addr": c.WHMAddr,
		"ftp_addr": c.FTPAddr, "webdav_addr": c.WebDAVAddr, "webdav_plain_addr": c.WebDAVPlainAddr} {
		if addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	if c.HTTPSAddr == "" && c.HTTPAddr == "" {
		errs = append(errs, errors.New("https_addr and http_addr are both empty: the API would be unreachable"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls_cert and tls_key go together"))
	}
	if _, _, err := c.PassivePortRange(); err != nil {
		errs = append(errs, err)
	}
	if err := checkLoopback("debug_addr", c.DebugAddr); err != nil {
		errs = append(errs, err)
	}
	if c.WebDAVLockTimeoutMax < time.Second {
		errs = append(errs, fmt.Errorf("webdav_lock_timeout_max: want at least 1s, not %v", c.WebDAVLockTimeoutMax))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log_format: want text or json, not %q", c.LogFormat))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// checkLoopback refuses a listen address that is not on a loopback IP:
// the profiler shows memory and goroutine stacks (request data, paths) and
// must never be reachable from another machine.
func checkLoopback(name, addr string) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s: want a loopback address such as 127.0.0.1:6060, not %q", name, addr)
	}
	return nil
}

// PassivePortRange parses FTPPassivePorts; (0, 0) means any free port.
func (c *Config) PassivePortRange() (lo, hi int, err error) {
	if c.FTPPassivePorts == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(c.FTPPassivePorts, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || lo < 1 || hi > 65535 || lo > hi {
		return 0, 0, fmt.Errorf("ftp_passive_ports: want a range like 30000-30100, not %q", c.FTPPassivePorts)
	}
	return lo, hi, nil
}

// Markdown returns the option table for docs/configuration.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| option (YAML) | environment | default | meaning |\n|---|---|---|---|\n")
	for _, o := range options() {
		def := o.def(&Config{})
		switch o.key {
		case "data_dir":
			def = "/var/lib/uapid (root), ~/.local/share/uapid (others)"
		case "ftp_addr":
			def = ":21 (root), :2121 (others)"
		case "hostname":
			def = "the machine's host name"
		case "database":
			def = "DATA_DIR/uapid.db"
		case "admin_socket":
			def = "DATA_DIR/uapid.sock"
		case "smtp_from":
			def = "uapid@HOSTNAME"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", o.key, o.env, def, o.doc)
	}
	return b.String()
}
