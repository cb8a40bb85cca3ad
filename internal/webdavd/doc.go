// Package webdavd is uapid's embedded Web Disk server: WebDAV
// (golang.org/x/net/webdav) as a thin adapter over the hosting stores and
// the jailed file layer (internal/vfs).
//
// Every request authenticates: a Web Disk login user@domain (HTTP Basic over
// TLS, or RFC 7616 MD5 Digest when the login has Digest enabled) reaches its
// own directory, read-only or read-write; the hosting account's own name
// and password reach the whole home (cPanel's "main" Web Disk account).
// Names, the brute-force limiter and suspension are internal/auth's (the
// one login path of every protocol); webdavd adds Basic only over TLS and
// Digest. Every failed login looks the same: one 401. A keep-alive
// connection reuses the Basic login it proved until any kill, at most
// Config.LoginRecheck (logincache.go).
//
// Files are reached only through a vfs.Fs opened on os.Root for the login's
// directory, so "..", absolute paths and symlinks cannot leave it; a
// read-only login is refused every write method with 403 before WebDAV
// runs. A registry tracks live connections per login so that KillLogin and
// KillAccount close them at once. Locks and dead properties are kept in
// memory per login, both bounded: locks by count (per login and per
// server), owner size and timeout, with expired ones reaped on a timer
// (lockTable). PROPFIND with Depth: infinity on a collection is refused
// (403 propfind-finite-depth), as Apache's DavDepthInfinity Off does.
//
// PUT writes to a hidden temporary file beside its target and renames it
// into place only when the whole body arrived (put.go), so a cut upload
// never leaves a truncated file under the final name.
package webdavd
