package web

// userManagerDismiss stops offering a service account for linking
// (UserManager::dismiss_merge with services.SERVICE.dismiss=1); it stays a
// separate account.
func userManagerDismiss() *action {
	return &action{name: "usermanager-dismiss", page: "usermanager", path: "/usermanager/dismiss",
		module: "UserManager", function: "dismiss_merge",
		fields: []string{"username", "domain", "services.email.dismiss", "services.ftp.dismiss", "services.webdisk.dismiss"},
		item:   userAddress, row: true,
		done: "A service account of “%s” is no longer offered for linking."}
}
