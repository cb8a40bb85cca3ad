package web

// ftpWelcome sets the message FTP clients see after login
// (Ftp::set_welcome_message). An empty message is a value (no greeting),
// so the field is sent even when blank.
func ftpWelcome() *action {
	return &action{name: "ftp-welcome", page: "ftp_accounts", path: "/ftp/welcome",
		module: "Ftp", function: "set_welcome_message", fields: []string{"message"}, keepBlank: []string{"message"},
		done: "The FTP welcome message was saved."}
}
