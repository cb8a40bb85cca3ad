package client

import "context"

// ServiceSelection names the same-named service accounts of a user that
// MergeServiceAccount links or DismissMerge dismisses.
type ServiceSelection struct {
	Username string
	Domain   string
	Email    bool
	FTP      bool
	WebDisk  bool
}

func (s ServiceSelection) form(key string) form {
	f := nameForm(s.Username, s.Domain)
	f.flag("services.email."+key, s.Email)
	f.flag("services.ftp."+key, s.FTP)
	f.flag("services.webdisk."+key, s.WebDisk)
	return f
}

// MergeServiceAccount runs UserManager::merge_service_account: it links the
// selected service accounts to the Subaccount of their name, creating it
// when there is none, and returns that Subaccount.
func (m UserManagerModule) MergeServiceAccount(ctx context.Context, s ServiceSelection) (*User, error) {
	return m.user(ctx, "merge_service_account", s.form("merge"))
}

// DismissMerge runs UserManager::dismiss_merge: the selected service
// accounts are no longer offered as merge candidates.
func (m UserManagerModule) DismissMerge(ctx context.Context, s ServiceSelection) error {
	return m.c.CallInto(ctx, "UserManager", "dismiss_merge", s.form("dismiss").values(), nil)
}

// UnlinkServiceAccountParams are UserManager::unlink_service_account's
// arguments.
type UnlinkServiceAccountParams struct {
	Username string
	Domain   string
	Service  string // ServiceEmail, ServiceFTP or ServiceWebDisk
	// Dismiss also dismisses the account as a merge candidate.
	Dismiss bool
}

// UnlinkServiceAccount runs UserManager::unlink_service_account: the
// service account leaves its Subaccount but is not deleted.
func (m UserManagerModule) UnlinkServiceAccount(ctx context.Context, p UnlinkServiceAccountParams) error {
	f := nameForm(p.Username, p.Domain)
	f.always("service", p.Service)
	f.flag("dismiss", p.Dismiss)
	return m.c.CallInto(ctx, "UserManager", "unlink_service_account", f.values(), nil)
}

// ChangePasswordParams are UserManager::change_password's arguments.
type ChangePasswordParams struct {
	OldPass string
	NewPass string
	// EnableMySQL also changes cPanel's MySQL password; uapid has no
	// MySQL.
	EnableMySQL bool
}

// ChangePassword runs UserManager::change_password: the cPanel account's
// own password. Afterwards a Client using WithBasicAuth needs the new
// password, and login sessions end (uapid, like cPanel, ends them all);
// API tokens keep working.
func (m UserManagerModule) ChangePassword(ctx context.Context, p ChangePasswordParams) error {
	f := form{}
	f.always("oldpass", p.OldPass)
	f.always("newpass", p.NewPass)
	f.flag("enablemysql", p.EnableMySQL)
	return m.c.CallInto(ctx, "UserManager", "change_password", f.values(), nil)
}
