package web

// ftpAccountHomedir changes an FTP login's home directory
// (Ftp::set_homedir). The field is sent even when blank, because a blank
// homedir is a value: the function reads it as the default directory.
func ftpAccountHomedir() *action {
	return &action{name: "ftp-homedir", page: "ftp_accounts", path: "/ftp/accounts/homedir",
		module: "Ftp", function: "set_homedir", fields: []string{"user", "homedir"}, keepBlank: []string{"homedir"},
		item: field("user"), row: true, done: "The home directory of “%s” was changed."}
}
