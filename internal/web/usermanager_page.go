package web

// userManagerPage is cPanel's User Manager: every user of the account from
// UserManager::list_users, with the forms to create Subaccounts, change
// their passwords, link and dismiss service accounts that share a name,
// unlink services, and each record's services and issues. The account's
// own (cpanel) record, always last, is shown as the owner, with the form
// for the account's password. Editing and deleting a Subaccount are pages
// of their own (usermanager_edit_page.go, usermanager_delete_page.go).
func userManagerPage() *page {
	return &page{name: "usermanager", path: "/usermanager", title: "User Manager", module: "UserManager"}
}
