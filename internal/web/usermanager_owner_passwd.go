package web

import (
	"errors"
	"net/url"

	"github.com/uapid/uapid/internal/uapi"
)

// userManagerOwnerPasswd changes the account's own password
// (UserManager::change_password), from the owner's row. Success ends every
// session of the account, this one too, so it leads to the login form,
// which says why and opens the User Manager again.
func userManagerOwnerPasswd() *action {
	return &action{name: "usermanager-owner-passwd", page: "usermanager", path: "/usermanager/owner_passwd",
		module: "UserManager", function: "change_password", convert: ownerPasswdArgs,
		secrets:  []string{"oldpass", "newpass", "confirm"},
		redirect: "/login/?" + url.Values{"reason": {"password"}, "goto_uri": {"/usermanager"}}.Encode(),
		done:     "The account password was changed."}
}

// ownerPasswdArgs passes oldpass and newpass once the new password was
// typed the same twice: a typo would lock the owner out.
func ownerPasswdArgs(_ *UI, form url.Values) (uapi.Args, error) {
	if form.Get("newpass") != form.Get("confirm") {
		return nil, errors.New("The two new passwords differ. Type the same new password twice.")
	}
	return uapi.Args{"oldpass": {form.Get("oldpass")}, "newpass": {form.Get("newpass")}}, nil
}
