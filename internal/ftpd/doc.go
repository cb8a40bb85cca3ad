// Package ftpd is uapid's embedded FTP/FTPS server: a thin adapter that
// puts github.com/fclairamb/ftpserverlib in front of the hosting stores and
// the jailed file layer (internal/vfs).
//
// It resolves the login forms a cPanel user knows (user@domain, the account
// name, NAME_logs, anonymous@domain) to a root directory and a set of
// rights, checks passwords under the shared brute-force limiter, enforces
// FTP quotas while the bytes arrive, and keeps a Registry of live sessions
// that the Ftp UAPI module lists and kills.
package ftpd
