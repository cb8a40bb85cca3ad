package web

// userManagerUnlink unlinks one service from a Subaccount
// (UserManager::unlink_service_account); the service account stays, with
// its own password, and with dismiss=1 is not offered for linking again.
func userManagerUnlink() *action {
	return &action{name: "usermanager-unlink", page: "usermanager", path: "/usermanager/unlink",
		module: "UserManager", function: "unlink_service_account",
		fields: []string{"username", "domain", "service", "dismiss"},
		item:   userAddress, row: true,
		done: "A service account was unlinked from “%s”; it stays as a separate account."}
}
