// Package ftpd is uapid's embedded FTP/FTPS server: a thin adapter that
// puts github.com/fclairamb/ftpserverlib in front of the hosting stores and
// the jailed file layer (internal/vfs).
//
// Logins (user@domain, the account name, NAME_logs, anonymous@domain) are
// authenticated by internal/auth, the one login path of every protocol;
// ftpd turns the principal into a root directory and a set of rights and
// applies anonymous FTP's own rules (public_ftp's modes). It enforces
// FTP quotas while the bytes arrive, and keeps a Registry of live sessions
// that the Ftp UAPI module lists and kills.
package ftpd
