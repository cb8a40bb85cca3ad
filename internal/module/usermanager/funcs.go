package usermanager

import (
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const module = "UserManager"

// Funcs returns the module's 11 declarations for the registry. It may be
// called on a nil *Service for the declarations alone (help, docs).
func (s *Service) Funcs() []*uapi.Func {
	fs := []*uapi.Func{
		{Name: "list_users", ReadOnly: true, Returns: "list", Handler: s.listUsers,
			Summary: "List the account's Subaccounts, service accounts, hypothetical Subaccounts and the cPanel user.",
			Params: []uapi.Param{{Name: "flat", Type: uapi.Bool, Default: "0",
				Doc: "1: list every service account as a record of its own, without hypothetical Subaccounts or merge candidates."}}},
		{Name: "lookup_user", ReadOnly: true, Returns: "object", Handler: s.lookupUser,
			Summary: "Return one Subaccount with its merge candidates.",
			Params: []uapi.Param{{Name: "guid", Type: uapi.String, Required: true,
				Missing: "You must specify the guid attribute.", Doc: "The Subaccount's GUID (encode “:” as %3A in URLs)."}}},
		{Name: "lookup_service_account", ReadOnly: true, Returns: "object", Handler: s.lookupServiceAccount,
			Summary: "Return one email, FTP or Web Disk account as a service record.",
			Params: []uapi.Param{fullUsernameParam(),
				{Name: "type", Type: uapi.String, Required: true, Check: checkServiceType,
					Missing: "You must specify a service type.", Doc: "email, ftp or webdisk."}}},
		{Name: "check_account_conflicts", ReadOnly: true, Returns: "object", Handler: s.checkAccountConflicts,
			Summary: "Report whether a Subaccount of that name exists, and the service accounts that have it.",
			Params:  []uapi.Param{fullUsernameParam()}},
		{Name: "create_user", Returns: "object", Nested: true, Handler: s.createUser,
			Summary: "Create a Subaccount and the email, FTP and Web Disk accounts it is given.",
			Params:  userParams("create", true)},
		{Name: "edit_user", Returns: "object", Nested: true, Handler: s.editUser,
			Summary: "Change a Subaccount: contact details, password, and its services (enabling creates, disabling deletes).",
			Params:  userParams("edit", false)},
		{Name: "delete_user", Returns: "object", Handler: s.deleteUser,
			Summary: "Delete a Subaccount and its linked service accounts; data is what is left with that name (null, a service record or a hypothetical Subaccount).",
			Params:  nameParams("delete")},
		{Name: "merge_service_account", Returns: "object", Nested: true, Handler: s.mergeServiceAccount,
			Summary: "Link service accounts to the Subaccount of their name, creating it if needed.",
			Params:  append(nameParams("merge"), serviceFlags("merge", "Link the %s account of this name.")...)},
		{Name: "dismiss_merge", Returns: "null", Nested: true, Handler: s.dismissMerge,
			Summary: "Stop offering service accounts as merge candidates.",
			Params:  append(nameParams("dismiss"), serviceFlags("dismiss", "Dismiss the %s account of this name.")...)},
		{Name: "unlink_service_account", Returns: "null", Handler: s.unlinkServiceAccount,
			Summary: "Unlink a service account from its Subaccount; the account itself stays.",
			Params: append(nameParams("unlink"),
				uapi.Param{Name: "service", Type: uapi.Enum, Required: true, Values: hosting.SubaccountServices(),
					Doc: "The service to unlink: email, ftp or webdisk."},
				uapi.Param{Name: "dismiss", Type: uapi.Bool, Default: "0", Doc: "1: also dismiss it as a merge candidate."})},
	}
	for _, f := range fs {
		f.Module, f.Feature = module, hosting.FeatureUserManager
	}
	return append(fs, &uapi.Func{Module: module, Name: "change_password", Returns: "string", Handler: s.changePassword,
		Summary: "Change the cPanel account's own password; data is “Password Changed”.",
		Params: []uapi.Param{
			{Name: "oldpass", Type: uapi.String, Required: true, Doc: "The current password."},
			{Name: "newpass", Type: uapi.String, Required: true, Doc: "The new password."},
			{Name: "enablemysql", Type: uapi.Bool, Default: "0", Doc: "Accepted for compatibility; uapid has no MySQL."},
		}})
}

func fullUsernameParam() uapi.Param {
	return uapi.Param{Name: "full_username", Type: uapi.String, Required: true,
		Missing: "You must specify the full_username attribute.", Doc: "The account's user@domain."}
}

// nameParams are the username and domain that name a user; verb words the
// missing-parameter messages ("You must specify “username” to merge …").
func nameParams(verb string) []uapi.Param {
	what := map[string]string{"delete": "delete a user", "merge": "merge a service account",
		"dismiss": "dismiss a service account merge", "unlink": "unlink a service account"}[verb]
	return []uapi.Param{
		{Name: "username", Type: uapi.Username, Required: true, Missing: "You must specify “username” to " + what + ".",
			Doc: "The user name, without the domain."},
		{Name: "domain", Type: uapi.Domain, Required: true, Missing: "You must specify “domain” to " + what + ".",
			Doc: "One of the account's domains."},
	}
}

// serviceFlags declares services.SERVICE.KEY for each service.
func serviceFlags(key, doc string) []uapi.Param {
	var ps []uapi.Param
	for _, svc := range hosting.SubaccountServices() {
		ps = append(ps, uapi.Param{Name: "services." + svc + "." + key, Type: uapi.Bool, Default: "0",
			Doc: fmt.Sprintf(doc, serviceTitle(svc))})
	}
	return ps
}

// userParams are create_user's and edit_user's parameters; create adds
// password_hash, which edit_user does not take.
func userParams(verb string, create bool) []uapi.Param {
	mandatory := "The system failed to " + verb + " the user: You must provide the following mandatory field: "
	ps := []uapi.Param{
		{Name: "username", Type: uapi.Username, Required: true, Missing: mandatory + "username",
			Doc: "The user name (lower-cased), without the domain: up to 64 letters, digits, “.”, “-” and “_”."},
		{Name: "domain", Type: uapi.Domain, Required: true, Missing: mandatory + "domain", Doc: "One of the account's domains."},
		{Name: "password", Type: uapi.String, Doc: "The password of the user and every service it has."},
		{Name: "real_name", Type: uapi.String, Check: checkRealName, Doc: "The user's name; no “<”, “>” or “&”."},
		{Name: "alternate_email", Type: uapi.String, Check: checkAlternateEmail, Doc: "A contact address; needed for send_invite."},
		{Name: "phone_number", Type: uapi.String, Check: checkPhoneNumber, Doc: "A phone number in E.164 form."},
		{Name: "avatar_url", Type: uapi.String, Check: checkAvatarURL, Doc: "An https:// URL of a picture."},
		{Name: "send_invite", Type: uapi.Bool, Default: "0",
			Doc: "1: mail alternate_email a link where the user chooses the password (valid two days)."},
		{Name: "type", Type: uapi.Enum, Values: []string{TypeSub}, Default: TypeSub, Doc: "Always “sub”."},
		{Name: "services.email.enabled", Type: uapi.Bool, Doc: "1: the user has an email account; 0: it has none."},
		{Name: "services.email.quota", Type: uapi.QuotaMB, Doc: "The mailbox quota in MB; 0 or “unlimited” for none. Default: the system's."},
		{Name: "services.email.send_welcome_email", Type: uapi.Bool, Doc: "Accepted for compatibility; uapid sends no client-setup mail."},
		{Name: "services.ftp.enabled", Type: uapi.Bool, Doc: "1: the user has an FTP account; 0: it has none."},
		{Name: "services.ftp.homedir", Type: uapi.RelPath, Doc: "The FTP directory, relative to the home; required to enable FTP."},
		{Name: "services.ftp.quota", Type: uapi.QuotaMB, Doc: "The FTP quota in MB; 0 or “unlimited” for none."},
		{Name: "services.webdisk.enabled", Type: uapi.Bool, Doc: "1: the user has a Web Disk account; 0: it has none."},
		{Name: "services.webdisk.homedir", Type: uapi.RelPath, Doc: "The Web Disk directory, relative to the home; required to enable Web Disk."},
		{Name: "services.webdisk.perms", Type: uapi.String, Check: checkPerms, Doc: "“rw” (default) or “ro”."},
		{Name: "services.webdisk.private", Type: uapi.Bool, Doc: "1: the directory is private (0700), else 0755."},
		{Name: "services.webdisk.enabledigest", Type: uapi.Bool, Doc: "1: allow Digest authentication (needs password)."},
	}
	if create {
		ps = append(ps, uapi.Param{Name: "password_hash", Type: uapi.String,
			Doc: "A crypt(3) hash to use instead of password (not with send_invite or Digest authentication)."})
	}
	return ps
}

func checkServiceType(v string) error {
	switch v {
	case hosting.ServiceEmail, hosting.ServiceFTP, hosting.ServiceWebDisk:
		return nil
	}
	return hosting.Errorf(hosting.EINVALID, "Unsupported service type. You must specify email, ftp, or webdisk.")
}

// serviceTitle is a service's name in messages.
func serviceTitle(service string) string {
	return map[string]string{hosting.ServiceEmail: "email", hosting.ServiceFTP: "FTP", hosting.ServiceWebDisk: "Web Disk"}[service]
}
