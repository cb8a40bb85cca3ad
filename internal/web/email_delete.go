package web

// emailDelete deletes a mailbox (Email::delete_pop). Its two buttons send
// flags=passwd, which keeps the mail on disk (a mailbox of the same name
// made later finds it again), or no flags, which removes the mail too.
func emailDelete() *action {
	return &action{name: "email-delete", page: "email", path: "/email/delete",
		module: "Email", function: "delete_pop", fields: []string{"email", "domain", "flags"},
		item: address("email", "domain"), row: true, done: "The email account “%s” was deleted."}
}
