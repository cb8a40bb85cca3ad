// Package webdisk is the UAPI WebDisk module: an account's Web Disk
// (WebDAV) logins user@domain, their passwords and Digest hashes, their
// directories and read-only or read-write permissions.
//
// cPanel's UAPI has four WebDisk functions (delete_user, set_password,
// set_homedir, set_permissions); creating and listing exist only in the
// deprecated API 2 (addwebdisk, listwebdisks). uapid adds add_user and
// list_users as UAPI extensions with API 2's parameters and record shape.
//
// The business logic lives in Service so that UserManager creates,
// re-passwords and deletes Web Disk logins exactly as these functions do.
// Every change that affects a login's access closes its live connections
// through Sessions (the Web Disk server). Files are touched only through
// os.Root opened on the account's home, so no parameter, symlink or ".."
// reaches outside it, and a failed change leaves nothing half-made.
package webdisk
