package web

// emailQuota changes a mailbox's quota (Email::edit_pop_quota); a blank
// quota or "unlimited" removes it.
func emailQuota() *action {
	return &action{name: "email-quota", page: "email", path: "/email/quota",
		module: "Email", function: "edit_pop_quota", fields: []string{"email", "domain", "quota"},
		item: address("email", "domain"), row: true, done: "The quota of “%s” was changed."}
}
