package web

// userManagerDelete deletes a Subaccount and its linked service accounts
// (UserManager::delete_user), from the confirmation page. The page is
// rendered with the result instead of redirecting: delete_user answers
// with what is left of the name (nothing, a service account, or a
// hypothetical Subaccount to link), and that answer is shown.
func userManagerDelete() *action {
	return &action{name: "usermanager-delete", page: "usermanager_delete", path: "/usermanager/delete",
		module: "UserManager", function: "delete_user", fields: []string{"username", "domain"},
		item: userAddress, show: true, done: "The user “%s” was deleted."}
}
