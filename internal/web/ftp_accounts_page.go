package web

// ftpAccountsPage lists the FTP logins with their disk usage
// (Ftp::list_ftp_with_disk), with forms to create, change and delete them,
// and the anonymous FTP settings and welcome message.
func ftpAccountsPage() *page {
	return &page{name: "ftp_accounts", path: "/ftp/accounts", title: "FTP Accounts", module: "Ftp"}
}
