// Package netlimit bounds what anonymous clients and tenants can make a
// listener hold: it counts open connections in total and per client IP
// address and answers those over a limit with a short refusal (HTTP 503 or
// 429, FTP 421) instead of letting them queue; it counts read deadlines
// that cut a connection; and MinRate keeps a request body or response from
// trickling a byte at a time. Every server of uapid (HTTPS, HTTP, Web Disk,
// FTP control) is wrapped by it; docs/security.md lists the defaults.
package netlimit
