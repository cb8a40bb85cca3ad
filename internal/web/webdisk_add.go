package web

// webDiskAdd creates a Web Disk login (WebDisk::add_user). Permissions
// default to read-write, the directory to public_html/USER, and privacy and
// Digest authentication to off, as the function's own defaults; the
// password is never written back.
func webDiskAdd() *action {
	return &action{name: "webdisk-add", page: "webdisk", path: "/webdisk/add",
		module: "WebDisk", function: "add_user",
		fields:  []string{"user", "domain", "password", "homedir", "perms", "private", "enabledigest"},
		secrets: []string{"password"}, item: address("user", "domain"), done: "The Web Disk account “%s” was created."}
}
