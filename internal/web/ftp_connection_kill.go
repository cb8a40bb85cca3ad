package web

// ftpConnectionKill closes FTP sessions (Ftp::kill_session): a row's
// Disconnect button sends login=PID, Disconnect all sends login=all. It is
// the seed's [% execute('Ftp', 'kill_session', {'login' => …}) %] as a
// form.
func ftpConnectionKill() *action {
	return &action{name: "ftp-kill", page: "ftp_connections", path: "/ftp/connections/kill",
		module: "Ftp", function: "kill_session", fields: []string{"login"},
		item: field("login"), row: true, done: "Disconnected %s.", describe: describeKill}
}

// describeKill names what a kill_session login argument disconnected.
func describeKill(login string) string {
	switch login {
	case "", "all":
		return "all FTP sessions"
	default:
		return "FTP session " + login
	}
}
