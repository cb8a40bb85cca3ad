package web

// userManagerDeletePage confirms the deletion of a Subaccount
// (?guid=GUID). It reads the Subaccount with UserManager::lookup_user and
// says beforehand what UserManager::delete_user will answer: the linked
// services go, and the same-named service accounts that are not linked stay
// (none, one service account, or several, offered for linking again).
// After the deletion the same page shows what delete_user did answer.
func userManagerDeletePage() *page {
	return &page{name: "usermanager_delete", path: "/usermanager/confirm_delete", title: "Delete User",
		module: "UserManager", parent: "usermanager"}
}
