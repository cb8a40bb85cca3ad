package web

// ftpAnonymous allows or forbids anonymous FTP logins
// (Ftp::set_anonymous_ftp); the page's button sends the opposite of the
// current setting.
func ftpAnonymous() *action {
	return &action{name: "ftp-anonymous", page: "ftp_accounts", path: "/ftp/anonymous",
		module: "Ftp", function: "set_anonymous_ftp", fields: []string{"set"},
		done: "The anonymous FTP login setting was saved."}
}
