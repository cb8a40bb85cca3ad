package web

// ftpAccountPasswd changes an FTP login's password (Ftp::passwd), which
// also closes its live sessions. The row's form sends the full login.
func ftpAccountPasswd() *action {
	return &action{name: "ftp-passwd", page: "ftp_accounts", path: "/ftp/accounts/passwd",
		module: "Ftp", function: "passwd", fields: []string{"user", "pass"}, secrets: []string{"pass"},
		item: field("user"), row: true, done: "The password of “%s” was changed."}
}
