package web

import (
	"net/url"
	"strings"
)

// userFields are the fields the create and edit forms pass to
// UserManager::create_user and edit_user, nested services.* keys included:
// they reach the engine as dotted keys, as from the API or the command
// line.
var userFields = []string{"username", "domain", "password", "real_name", "alternate_email", "phone_number",
	"send_invite",
	"services.email.enabled", "services.email.quota",
	"services.ftp.enabled", "services.ftp.homedir", "services.ftp.quota",
	"services.webdisk.enabled", "services.webdisk.homedir", "services.webdisk.perms",
	"services.webdisk.private", "services.webdisk.enabledigest"}

// userManagerAdd creates a Subaccount and the services ticked in the form
// (UserManager::create_user). Without a password, send_invite lets the user
// choose one through the mailed link.
func userManagerAdd() *action {
	return &action{name: "usermanager-add", page: "usermanager", path: "/usermanager/add",
		module: "UserManager", function: "create_user", fields: userFields, secrets: []string{"password"},
		item: userAddress, done: "The user “%s” was created."}
}

// userAddress names the user a User Manager form acts on, user@domain in
// lower case, as UserManager stores and lists it.
func userAddress(form url.Values) string {
	return strings.ToLower(address("username", "domain")(form))
}
