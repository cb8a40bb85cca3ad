// Package auth decides who is calling, for every protocol: HTTP Basic
// credentials, API tokens ("Authorization: cpanel USER:TOKEN"), login
// sessions (a cookie plus the cpsess security token in the URL), and the
// password logins of FTP and Web Disk. It is the one login path, so the
// rules live in one place: which names each protocol accepts (the account,
// user@domain, NAME_logs, anonymous FTP), suspension, the verified-password
// cache, equal timing for unknown names, a cap on a name's length, the
// brute-force limiter with one key per identity (every spelling of a login
// shares one guess budget), API tokens counted apart from passwords, token
// expiry and feature narrowing, the session idle timeout, and one generic
// failure for the client. The FTP and WebDAV servers keep only what is
// theirs: anonymous FTP's directory rules and WebDAV Digest.
package auth
