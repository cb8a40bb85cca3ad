package web

// emailPage lists the account's mailboxes with their disk usage
// (Email::list_pops_with_disk) with the forms to create them, change their
// password and quota, and delete them. It exists once the Email module is
// registered.
func emailPage() *page {
	return &page{name: "email", path: "/email", title: "Email Accounts", module: "Email"}
}
