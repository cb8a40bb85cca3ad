// Package admin is the local admin socket: an HTTP API on a Unix socket
// (mode 0600) that the `uapi` command line uses to run any function as any
// account (as root can with cPanel's uapi --user), and that `uapid account`
// and `uapid domain` use to manage hosting accounts. Only connections from
// root or from the user the daemon runs as are served (checked with the
// peer's credentials, not just the file mode).
package admin
