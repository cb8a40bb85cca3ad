package web

// emailAdd creates a mailbox (Email::add_pop); a blank quota leaves the
// function's default.
func emailAdd() *action {
	return &action{name: "email-add", page: "email", path: "/email/add",
		module: "Email", function: "add_pop", fields: []string{"email", "domain", "password", "quota"},
		secrets: []string{"password"}, item: address("email", "domain"), done: "The email account “%s” was created."}
}
