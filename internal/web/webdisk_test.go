package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestWebDiskAccounts drives the Web Disk page over the real WebDisk
// module: list_users' reldir, private and hasdigest fields, and the four
// changes (password with Digest, permissions, directory, delete).
func TestWebDiskAccounts(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	mustContain(t, b.mustPage(t, "/"), `id="nav-webdisk"`)

	page := b.mustDone(t, "/webdisk/add", "/webdisk", "user=dav", "domain=example.com", "password=Dav-Pass-1",
		"perms=ro", "enabledigest=1")
	mustContain(t, page, "The Web Disk account “dav@example.com” was created.")
	r := row(page, "webdisk-row-dav@example.com")
	mustContain(t, r, "~/public_html/dav<", "Read-Only", "<td>on</td>", "Make Read-Write")

	page = b.mustDone(t, "/webdisk/perms", "/webdisk", "user=dav@example.com", "perms=rw")
	mustContain(t, row(page, "webdisk-row-dav@example.com"), "Read-Write", "Make Read-Only")

	// The password form sends enabledigest only when ticked: unticked turns Digest off.
	page = b.mustDone(t, "/webdisk/passwd", "/webdisk", "user=dav@example.com", "password=Dav-Pass-2")
	mustContain(t, row(page, "webdisk-row-dav@example.com"), "<td>off</td>")

	page = b.mustDone(t, "/webdisk/homedir", "/webdisk", "user=dav@example.com", "homedir=shared/dav", "private=0", "private=1")
	mustContain(t, page, "The directory of “dav@example.com” was changed.")
	mustContain(t, row(page, "webdisk-row-dav@example.com"), "~/shared/dav <span class=\"hint\">(private)</span>")
	if fi, err := os.Stat(filepath.Join(e.a.HomeDir, "shared", "dav")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("private directory: %v %v", fi, err)
	}
	page = b.mustDone(t, "/webdisk/homedir", "/webdisk", "user=dav@example.com", "homedir=shared/dav", "private=0")
	mustNotContain(t, row(page, "webdisk-row-dav@example.com"), "(private)")

	body := b.mustFail(t, "/webdisk/perms", "user=dav@example.com", "perms=all")
	mustContain(t, between(row(body, "webdisk-row-dav@example.com"), `id="webdisk-perms-`, "</form>"), "perms")

	body = b.mustFail(t, "/webdisk/add", "user=dav", "domain=example.com", "password=Dav-Pass-3", "perms=ro", "private=1")
	mustContain(t, between(body, `id="webdisk-add"`, "</form>"), "already exists", `value="ro" checked`,
		`id="webdisk-add-private" name="private" value="1" checked`)

	page = b.mustDone(t, "/webdisk/delete", "/webdisk", "user=dav@example.com", "destroy=0")
	mustContain(t, page, "The Web Disk account “dav@example.com” was deleted.", "There are no Web Disk accounts yet.")
}

func TestWebDiskOfOneAccountOnly(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.b, "WebDisk", "add_user", "user=files", "domain=other.org", "password=Files-Pass-1")
	b := e.login(t, "cpuser", passA)
	mustNotContain(t, b.mustPage(t, "/webdisk"), "files@", "other.org")
	b.mustFail(t, "/webdisk/delete", "user=files@other.org", "destroy=1")
	if r := e.login(t, "other", passB).get(t, "/webdisk"); r.code != http.StatusOK {
		t.Fatalf("%d", r.code)
	} else {
		mustContain(t, r.body, `data-testid="webdisk-row-files@other.org"`)
	}
}
