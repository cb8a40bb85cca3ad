package web

// ftpAccountDelete deletes an FTP login and closes its sessions
// (Ftp::delete_ftp). The row's form has two buttons that differ only in
// destroy: 0 keeps the login's files, 1 removes its home directory too.
func ftpAccountDelete() *action {
	return &action{name: "ftp-delete", page: "ftp_accounts", path: "/ftp/accounts/delete",
		module: "Ftp", function: "delete_ftp", fields: []string{"user", "destroy"},
		item: field("user"), row: true, done: "The FTP account “%s” was deleted."}
}
