package web

// ftpAnonymousIncoming allows or forbids anonymous FTP uploads
// (Ftp::set_anonymous_ftp_incoming).
func ftpAnonymousIncoming() *action {
	return &action{name: "ftp-anonymous-incoming", page: "ftp_accounts", path: "/ftp/anonymous_incoming",
		module: "Ftp", function: "set_anonymous_ftp_incoming", fields: []string{"set"},
		done: "The anonymous FTP upload setting was saved."}
}
