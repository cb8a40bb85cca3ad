package web

import (
	"errors"
	"net/url"

	"github.com/uapid/uapid/internal/uapi"
)

// userManagerPasswd gives a Subaccount a new password
// (UserManager::edit_user with the password alone), which reaches every
// service linked to it.
func userManagerPasswd() *action {
	return &action{name: "usermanager-passwd", page: "usermanager", path: "/usermanager/passwd",
		module: "UserManager", function: "edit_user", convert: userPasswdArgs,
		secrets: []string{"password"}, item: userAddress, row: true,
		done: "The password of “%s” was changed."}
}

// userPasswdArgs refuses a blank password: edit_user reads a missing one
// as "keep the password" and would succeed without changing anything.
func userPasswdArgs(_ *UI, form url.Values) (uapi.Args, error) {
	if form.Get("password") == "" {
		return nil, errors.New("Type the new password.")
	}
	return uapi.Args{"username": {form.Get("username")}, "domain": {form.Get("domain")},
		"password": {form.Get("password")}}, nil
}
