// Package ftp measures what uapid's FTP server (internal/ftpd over
// internal/vfs: jailed paths, quota accounting on every write, session
// hooks, usage persisted per file) costs on top of a bare ftpserverlib
// server over afero's BasePathFs, both on 127.0.0.1 and driven by the same
// jlaffaye/ftp client in the same run. Run:
//
//	go test -run=^$ -bench=. -benchmem ./bench/ftp/
//
// The command in cmd/ftpbench compares `uapid serve` with Pure-FTPd, both as
// processes of their own: logins per second, 1 GiB transfers, memory per
// idle session and kill latency (docs/benchmarks-ftp.md).
package ftp
