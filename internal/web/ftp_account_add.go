package web

// ftpAccountAdd creates an FTP login (Ftp::add_ftp). A blank home
// directory or quota leaves the function's default (user@domain,
// unlimited); the password is never written back into the form.
func ftpAccountAdd() *action {
	return &action{name: "ftp-add", page: "ftp_accounts", path: "/ftp/accounts/add",
		module: "Ftp", function: "add_ftp", fields: []string{"user", "domain", "pass", "homedir", "quota"},
		secrets: []string{"pass"}, item: address("user", "domain"), done: "The FTP account “%s” was created."}
}
