package webdisk

import (
	"regexp"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

const module = "WebDisk"

// userParam is the user parameter every function takes, paired with the
// function's domain parameter when it has one (add_user). API 2 calls it
// login, so that name is accepted too.
func userParam(domainParam string) uapi.Param {
	return uapi.Param{Name: "user", Type: uapi.Login, Required: true, MaxLen: 320, Aliases: []string{"login"},
		Login: &uapi.LoginRule{DomainParam: domainParam,
			Empty: "The “user” parameter must name a Web Disk account: a user name or user@domain."},
		Doc: "The Web Disk login: user@domain (a user name alone means the primary domain)."}
}

func privateParam() uapi.Param {
	return uapi.Param{Name: "private", Type: uapi.Bool, Default: "0",
		Doc: "1 makes the directory private (0700), 0 public (0755). The home directory and its standard directories such as public_html keep their permissions."}
}

func enableDigestParam() uapi.Param {
	return uapi.Param{Name: "enabledigest", Type: uapi.Bool, Default: "0",
		Doc: "1 enables Digest Authentication (for Windows over plain HTTP); 0 disables it."}
}

func permsParam(required bool) uapi.Param {
	p := uapi.Param{Name: "perms", Type: uapi.Enum, Values: []string{hosting.WebDiskReadOnly, hosting.WebDiskReadWrite},
		Required: required, Doc: "ro for read-only access, rw for read and write."}
	if !required {
		p.Default = hosting.WebDiskReadWrite
	}
	return p
}

func checkRegex(v string) error {
	if _, err := regexp.Compile("(?i)" + v); err != nil {
		return hosting.Errorf(hosting.EINVALID, "The “regex” parameter is not a valid regular expression: %v", err)
	}
	return nil
}

// Funcs returns the declarations of cPanel's four UAPI WebDisk functions
// and uapid's two extensions for the registry.
func (s *Service) Funcs() []*uapi.Func {
	return append(s.uapiFuncs(), s.extensionFuncs()...)
}

// uapiFuncs declares the functions cPanel's UAPI has.
func (s *Service) uapiFuncs() []*uapi.Func {
	return []*uapi.Func{
		{Module: module, Name: "delete_user", Feature: hosting.FeatureWebDisk, Returns: "null",
			Summary: "Delete a Web Disk account and close its connections.", Handler: s.deleteUser,
			Params: []uapi.Param{userParam(""), {Name: "destroy", Type: uapi.Bool, Required: true,
				Doc: "1 also removes the account's directory and everything in it (never the home, public_html, public_ftp or the rest of the home layout); 0 keeps it."}}},
		{Module: module, Name: "set_password", Feature: hosting.FeatureWebDisk, Returns: "null",
			Summary: "Change a Web Disk account's password and Digest Authentication, and close its connections.",
			Handler: s.setPassword, Params: []uapi.Param{userParam(""),
				{Name: "password", Type: uapi.String, Required: true, Doc: "The new password."}, enableDigestParam()}},
		{Module: module, Name: "set_homedir", Feature: hosting.FeatureWebDisk, Returns: "null",
			Summary: "Change a Web Disk account's directory (created if missing) and its privacy.", Handler: s.setHomedir,
			Params: []uapi.Param{userParam(""),
				{Name: "homedir", Type: uapi.RelPath, Required: true, Doc: "The new directory, relative to the home directory."},
				privateParam()}},
		{Module: module, Name: "set_permissions", Feature: hosting.FeatureWebDisk, Returns: "null",
			Summary: "Make a Web Disk account read-only or read-write.", Handler: s.setPermissions,
			Params: []uapi.Param{userParam(""), permsParam(true)}},
	}
}

// extensionFuncs declares add_user and list_users: cPanel has them only in
// API 2 (addwebdisk, listwebdisks), whose parameters and records they take.
func (s *Service) extensionFuncs() []*uapi.Func {
	return []*uapi.Func{
		{Module: module, Name: "add_user", Feature: hosting.FeatureWebDisk, Returns: "object", Extension: true,
			Summary: "Create a Web Disk account (cPanel API 2 WebDisk::addwebdisk).", Handler: s.addUser,
			Params: []uapi.Param{
				userParam("domain"),
				{Name: "domain", Type: uapi.Domain, Doc: "The login's domain; defaults to the primary domain, or the one in user."},
				{Name: "password", Type: uapi.String, Doc: "The password (or give password_hash instead)."},
				{Name: "password_hash", Type: uapi.String, Doc: "A crypt(3) password hash such as $6$… (instead of password)."},
				{Name: "digest_auth_hash", Type: uapi.String, Doc: "With password_hash and enabledigest=1: hex MD5 of user@domain:realm:password."},
				{Name: "homedir", Type: uapi.RelPath, Doc: "The directory, relative to the home directory (an absolute path inside the home is accepted); defaults to public_html/USER. Created if missing."},
				privateParam(), enableDigestParam(), permsParam(false),
			}},
		{Module: module, Name: "list_users", ReadOnly: true, Feature: hosting.FeatureWebDisk, Returns: "list", Extension: true,
			Summary: "List the account's Web Disk accounts (cPanel API 2 WebDisk::listwebdisks).", Handler: s.listUsers,
			Params: []uapi.Param{{Name: "regex", Type: uapi.String, Check: checkRegex,
				Doc: "Only logins matching this regular expression (case-insensitive, RE2 syntax)."}}},
	}
}
