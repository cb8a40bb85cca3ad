package web

// emailDelete deletes a mailbox and its mail (Email::delete_pop).
func emailDelete() *action {
	return &action{name: "email-delete", page: "email", path: "/email/delete",
		module: "Email", function: "delete_pop", fields: []string{"email", "domain"},
		item: address("email", "domain"), row: true, done: "The email account “%s” was deleted."}
}
