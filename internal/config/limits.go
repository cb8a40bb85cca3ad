package config

import "time"

// Limits bound what clients can make each listener hold (see
// docs/security.md for why each default is what it is). A connection count
// of 0 means no limit.
type Limits struct {
	HTTPMaxConns          int // HTTPS and plain HTTP, each listener
	HTTPMaxConnsPerIP     int
	HTTPReadHeaderTimeout time.Duration
	HTTPReadTimeout       time.Duration // the whole request, body included
	HTTPWriteTimeout      time.Duration // from the end of the request head to the end of the answer
	HTTPIdleTimeout       time.Duration
	HTTPShutdownGrace     time.Duration

	WebDAVMaxConns      int // each Web Disk listener
	WebDAVMaxConnsPerIP int
	WebDAVStallTimeout  time.Duration // longest wait for a request head or the next bytes of a body or answer
	WebDAVMinRate       int64         // bytes/s a body or answer must average after the first stall timeout
	WebDAVIdleTimeout   time.Duration
	WebDAVShutdownGrace time.Duration

	FTPMaxConns            int // control connections
	FTPMaxConnsPerIP       int
	FTPMaxSessionsPerLogin int
	FTPLoginTimeout        time.Duration // time from connect allowed for a successful login
	FTPIdleTimeout         time.Duration // idle time allowed after it
	FTPShutdownGrace       time.Duration
}

func intOpt(key, env, doc, def string, p func(*Config) *int) option {
	return option{key, env, doc, func(*Config) string { return def }, setInt(p)}
}

func durOpt(key, env, doc, def string, p func(*Config) *time.Duration) option {
	return option{key, env, doc, func(*Config) string { return def }, setDuration(p)}
}

// limitOptions are the options of Limits.
func limitOptions() []option {
	return []option{
		intOpt("http_max_conns", "UAPID_HTTP_MAX_CONNS", "Most connections open at once on the HTTPS listener (and, separately, the HTTP one); more are answered 503. 0: no limit.",
			"4096", func(c *Config) *int { return &c.HTTPMaxConns }),
		intOpt("http_max_conns_per_ip", "UAPID_HTTP_MAX_CONNS_PER_IP", "Most HTTPS (or HTTP) connections from one IP address; more are answered 429. 0: no limit.",
			"64", func(c *Config) *int { return &c.HTTPMaxConnsPerIP }),
		durOpt("http_read_header_timeout", "UAPID_HTTP_READ_HEADER_TIMEOUT", "Longest time to receive a request's head on HTTPS and HTTP.",
			"10s", func(c *Config) *time.Duration { return &c.HTTPReadHeaderTimeout }),
		durOpt("http_read_timeout", "UAPID_HTTP_READ_TIMEOUT", "Longest time to receive a whole request, body included (a slow body is cut), on HTTPS and HTTP.",
			"60s", func(c *Config) *time.Duration { return &c.HTTPReadTimeout }),
		durOpt("http_write_timeout", "UAPID_HTTP_WRITE_TIMEOUT", "Longest time from a request's head to the end of its answer (the function runs within it) on HTTPS and HTTP.",
			"120s", func(c *Config) *time.Duration { return &c.HTTPWriteTimeout }),
		durOpt("http_idle_timeout", "UAPID_HTTP_IDLE_TIMEOUT", "How long a keep-alive connection may wait for its next request.",
			"60s", func(c *Config) *time.Duration { return &c.HTTPIdleTimeout }),
		durOpt("http_shutdown_grace", "UAPID_HTTP_SHUTDOWN_GRACE", "On shutdown, how long running HTTPS and HTTP requests may finish before their connections are closed.",
			"10s", func(c *Config) *time.Duration { return &c.HTTPShutdownGrace }),
		intOpt("webdav_max_conns", "UAPID_WEBDAV_MAX_CONNS", "Most connections open at once on each Web Disk listener; more are answered 503. 0: no limit.",
			"1024", func(c *Config) *int { return &c.WebDAVMaxConns }),
		intOpt("webdav_max_conns_per_ip", "UAPID_WEBDAV_MAX_CONNS_PER_IP", "Most Web Disk connections from one IP address; more are answered 429. 0: no limit.",
			"32", func(c *Config) *int { return &c.WebDAVMaxConnsPerIP }),
		durOpt("webdav_stall_timeout", "UAPID_WEBDAV_STALL_TIMEOUT", "Longest Web Disk wait for a request's head, or for the next bytes of a body or an answer.",
			"30s", func(c *Config) *time.Duration { return &c.WebDAVStallTimeout }),
		{"webdav_min_rate", "UAPID_WEBDAV_MIN_RATE", "Bytes per second a Web Disk upload or download must average once past the first stall timeout; a slower one is cut. 0: no minimum.",
			func(*Config) string { return "1024" }, setInt64(func(c *Config) *int64 { return &c.WebDAVMinRate })},
		durOpt("webdav_idle_timeout", "UAPID_WEBDAV_IDLE_TIMEOUT", "How long a Web Disk keep-alive connection may wait for its next request.",
			"60s", func(c *Config) *time.Duration { return &c.WebDAVIdleTimeout }),
		durOpt("webdav_shutdown_grace", "UAPID_WEBDAV_SHUTDOWN_GRACE", "On shutdown, how long running Web Disk requests may finish.",
			"10s", func(c *Config) *time.Duration { return &c.WebDAVShutdownGrace }),
		intOpt("ftp_max_conns", "UAPID_FTP_MAX_CONNS", "Most FTP control connections open at once; more get 421. 0: no limit.",
			"2048", func(c *Config) *int { return &c.FTPMaxConns }),
		intOpt("ftp_max_conns_per_ip", "UAPID_FTP_MAX_CONNS_PER_IP", "Most FTP control connections (logged in or not) from one IP address; more get 421. 0: no limit.",
			"16", func(c *Config) *int { return &c.FTPMaxConnsPerIP }),
		intOpt("ftp_max_sessions_per_login", "UAPID_FTP_MAX_SESSIONS_PER_LOGIN", "Most FTP sessions of one login at once on this node; one more login is refused (530). 0: no limit.",
			"8", func(c *Config) *int { return &c.FTPMaxSessionsPerLogin }),
		durOpt("ftp_login_timeout", "UAPID_FTP_LOGIN_TIMEOUT", "How long an FTP connection has, from its connect, to log in (421, then closed); commands meanwhile do not extend it.",
			"60s", func(c *Config) *time.Duration { return &c.FTPLoginTimeout }),
		durOpt("ftp_idle_timeout", "UAPID_FTP_IDLE_TIMEOUT", "How long a logged-in FTP session may sit idle between commands (a running transfer is never idle).",
			"15m", func(c *Config) *time.Duration { return &c.FTPIdleTimeout }),
		durOpt("ftp_shutdown_grace", "UAPID_FTP_SHUTDOWN_GRACE", "On shutdown, how long running FTP transfers may finish (idle sessions are closed at once).",
			"10s", func(c *Config) *time.Duration { return &c.FTPShutdownGrace }),
	}
}
