package web

// webDiskPage lists the account's Web Disk logins (WebDisk::list_users)
// with the forms to create them, change their password and permissions,
// and delete them. It exists once the WebDisk module is registered.
func webDiskPage() *page {
	return &page{name: "webdisk", path: "/webdisk", title: "Web Disk", module: "WebDisk"}
}
