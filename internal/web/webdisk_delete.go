package web

// webDiskDelete deletes a Web Disk login (WebDisk::delete_user). destroy
// is required by the function: the two buttons send 0 (keep the files) or
// 1 (remove the login's directory).
func webDiskDelete() *action {
	return &action{name: "webdisk-delete", page: "webdisk", path: "/webdisk/delete",
		module: "WebDisk", function: "delete_user", fields: []string{"user", "destroy"},
		item: field("user"), row: true, done: "The Web Disk account “%s” was deleted."}
}
