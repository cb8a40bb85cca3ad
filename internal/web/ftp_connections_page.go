package web

// ftpConnectionsPage lists the account's live FTP sessions
// (Ftp::list_sessions) and reloads itself, with a Disconnect button per
// session and Disconnect all.
func ftpConnectionsPage() *page {
	return &page{name: "ftp_connections", path: "/ftp/connections", title: "FTP Connections",
		module: "Ftp", refresh: true}
}
