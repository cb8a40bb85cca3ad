package web

// webDiskPasswd changes a Web Disk login's password
// (WebDisk::set_password); enabledigest keeps or changes whether Windows
// clients may use Digest authentication, which needs the password.
func webDiskPasswd() *action {
	return &action{name: "webdisk-passwd", page: "webdisk", path: "/webdisk/passwd",
		module: "WebDisk", function: "set_password", fields: []string{"user", "password", "enabledigest"},
		secrets: []string{"password"}, item: field("user"), row: true, done: "The password of “%s” was changed."}
}
