package web

// ftpAccountQuota changes an FTP login's quota (Ftp::set_quota); a blank
// quota or "unlimited" removes it.
func ftpAccountQuota() *action {
	return &action{name: "ftp-quota", page: "ftp_accounts", path: "/ftp/accounts/quota",
		module: "Ftp", function: "set_quota", fields: []string{"user", "quota"},
		item: field("user"), row: true, done: "The quota of “%s” was changed."}
}
