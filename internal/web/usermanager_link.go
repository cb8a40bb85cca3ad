package web

// userManagerLink links service accounts that share a name into the
// Subaccount of that name, creating it when there is none
// (UserManager::merge_service_account). The form sends
// services.SERVICE.merge=1 only for the accounts ticked: a key sent at all
// counts for the function (one key alone gives a new Subaccount that
// account's password).
func userManagerLink() *action {
	return &action{name: "usermanager-link", page: "usermanager", path: "/usermanager/link",
		module: "UserManager", function: "merge_service_account",
		fields: []string{"username", "domain", "services.email.merge", "services.ftp.merge", "services.webdisk.merge"},
		item:   userAddress, row: true, done: "The accounts of “%s” are linked to one Subaccount."}
}
