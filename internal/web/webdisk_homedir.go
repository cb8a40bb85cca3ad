package web

// webDiskHomedir moves a Web Disk login to another directory and sets
// whether that directory is private (WebDisk::set_homedir; the directory
// is created when missing). The box for private sends a hidden 0 first, so
// unticking it makes the directory public again.
func webDiskHomedir() *action {
	return &action{name: "webdisk-homedir", page: "webdisk", path: "/webdisk/homedir",
		module: "WebDisk", function: "set_homedir", fields: []string{"user", "homedir", "private"},
		checkboxes: []string{"private"}, item: field("user"), row: true, done: "The directory of “%s” was changed."}
}
