package web

// userManagerEditPage is one Subaccount's edit form, opened from the User
// Manager with ?guid=GUID and read with UserManager::lookup_user: contact
// fields, password, invitation, and each service on or off with its
// settings. Saving goes back to the User Manager.
func userManagerEditPage() *page {
	return &page{name: "usermanager_edit", path: "/usermanager/edit", title: "Edit User",
		module: "UserManager", parent: "usermanager"}
}
