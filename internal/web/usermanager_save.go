package web

// userManagerSave saves the edit form (UserManager::edit_user) and goes
// back to the User Manager. Contact fields are sent even when blank, which
// clears them; a blank password keeps the current one. Every checkbox sends
// a hidden 0 first, so an unticked service is turned off (its account is
// deleted, its files kept).
func userManagerSave() *action {
	return &action{name: "usermanager-edit", page: "usermanager_edit", next: "usermanager", path: "/usermanager/save",
		module: "UserManager", function: "edit_user", fields: userFields, secrets: []string{"password"},
		keepBlank: []string{"real_name", "alternate_email", "phone_number"},
		checkboxes: []string{"send_invite", "services.email.enabled", "services.ftp.enabled", "services.webdisk.enabled",
			"services.webdisk.private", "services.webdisk.enabledigest"},
		item: userAddress, done: "The user “%s” was changed."}
}
