package web

// emailPasswd changes a mailbox's password (Email::passwd_pop). Rows send
// the local part and the domain apart, the form every Email function takes.
func emailPasswd() *action {
	return &action{name: "email-passwd", page: "email", path: "/email/passwd",
		module: "Email", function: "passwd_pop", fields: []string{"email", "domain", "password"},
		secrets: []string{"password"}, item: address("email", "domain"), row: true, done: "The password of “%s” was changed."}
}
