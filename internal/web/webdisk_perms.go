package web

// webDiskPerms makes a Web Disk login read-only or read-write
// (WebDisk::set_permissions, perms ro or rw).
func webDiskPerms() *action {
	return &action{name: "webdisk-perms", page: "webdisk", path: "/webdisk/perms",
		module: "WebDisk", function: "set_permissions", fields: []string{"user", "perms"},
		item: field("user"), row: true, done: "The permissions of “%s” were changed."}
}
