package webdavd_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
)

func TestTransfers(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/hello.txt", "hello")
	mustWrite(t, e.a, "public_html/index.html", "the site")
	c := e.client(e.tlsURL, "bob@example.com", "bob-pass")
	if err := c.Connect(); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"download", func() error { return wantRead(c.Read("/hello.txt")) }},
		{"upload", func() error { return c.Write("/up.txt", []byte("uploaded"), 0o644) }},
		{"mkdir", func() error { return c.MkdirAll("/a/b", 0o755) }},
		{"move", func() error { return c.Rename("/up.txt", "/a/b/moved.txt", false) }},
		{"copy", func() error { return c.Copy("/a", "/a-copy", false) }},
		{"delete", func() error { return c.RemoveAll("/a") }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	if got := mustRead(t, e.a, "public_html/bob/a-copy/b/moved.txt"); got != "uploaded" {
		t.Errorf("copied file holds %q", got)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/bob/a")); !os.IsNotExist(err) {
		t.Errorf("deleted tree still there: %v", err)
	}
	infos, err := c.ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range infos {
		names = append(names, fi.Name())
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"a-copy", "hello.txt"}) {
		t.Errorf("root lists %v: the login must see only its own directory", names)
	}
	fi, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/bob/a-copy"))
	if err != nil || fi.Mode().Perm()&0o022 != 0 {
		t.Errorf("a collection made over WebDAV is group- or world-writable: %v %v", fi.Mode(), err)
	}
}

func wantRead(b []byte, err error) error {
	if err == nil && string(b) != "hello" {
		return io.ErrUnexpectedEOF
	}
	return err
}

// TestLoginFailuresLookAlike: a wrong password, an unknown login, another
// tenant's login used with this tenant's password and a missing password
// all get the same 401, and the limiter blocks an address that keeps
// failing, even with the right password.
func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	lim := limiter.New(limiter.Config{PerAddress: limiter.Rule{MaxFailures: 6, Window: time.Hour, Block: time.Hour}}, nil)
	e := mustEnvWith(t, envOptions{lim: lim})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	e.mustDisk(t, e.b, "eve", "other.org", "eve-pass", diskOptions{})
	ok := e.do(t, "PROPFIND", "/", "bob@example.com", "bob-pass", "", map[string]string{"Depth": "0"})
	if ok.StatusCode != http.StatusMultiStatus {
		t.Fatalf("right password: %d", ok.StatusCode)
	}
	tries := [][2]string{{"bob@example.com", "wrong"}, {"nobody@example.com", "bob-pass"},
		{"eve@example.com", "eve-pass"}, {"bob@other.org", "bob-pass"}, {"cpuser", "wrong"}}
	var first string
	for _, try := range tries {
		res := e.do(t, "GET", "/", try[0], try[1], "", nil)
		body, _ := io.ReadAll(res.Body)
		got := res.Status + "|" + string(body) + "|" + strings.Join(res.Header.Values("Www-Authenticate"), ",")
		got = nonceRE.ReplaceAllString(got, `nonce="N"`)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%s: status %d", try[0], res.StatusCode)
		}
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("%s: response %q differs from %q", try[0], got, first)
		}
	}
	// Five failures so far; the sixth blocks the address.
	e.do(t, "GET", "/", "bob@example.com", "wrong-again", "", nil)
	if res := e.do(t, "GET", "/", "bob@example.com", "bob-pass", "", nil); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("blocked address logged in: %d", res.StatusCode)
	}
}

// TestReadOnlyRefusesWrites: every method that could change something is
// refused with 403 before it runs, and nothing changes.
func TestReadOnlyRefusesWrites(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "ro", "example.com", "ro-pass", diskOptions{readOnly: true})
	mustWrite(t, e.a, "public_html/ro/keep.txt", "keep")
	mustWrite(t, e.a, "public_html/ro/dir/x.txt", "x")
	dest := map[string]string{"Destination": strings.TrimSuffix(e.tlsURL, "/") + "/new.txt"}
	lock := `<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>` +
		`<D:locktype><D:write/></D:locktype></D:lockinfo>`
	patch := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:t">1</x>` +
		`</D:prop></D:set></D:propertyupdate>`
	tests := []struct {
		method, path, body string
		hdr                map[string]string
	}{
		{"PUT", "/keep.txt", "overwritten", nil},
		{"PUT", "/new.txt", "new", nil},
		{"DELETE", "/keep.txt", "", nil},
		{"MKCOL", "/newdir", "", nil},
		{"COPY", "/keep.txt", "", dest},
		{"MOVE", "/keep.txt", "", dest},
		{"PROPPATCH", "/keep.txt", patch, nil},
		{"LOCK", "/keep.txt", lock, nil},
		{"UNLOCK", "/keep.txt", "", map[string]string{"Lock-Token": "<opaquelocktoken:x>"}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			if res := e.do(t, tt.method, tt.path, "ro@example.com", "ro-pass", tt.body, tt.hdr); res.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", res.StatusCode)
			}
		})
	}
	if got := mustRead(t, e.a, "public_html/ro/keep.txt"); got != "keep" {
		t.Errorf("keep.txt now holds %q", got)
	}
	for _, p := range []string{"public_html/ro/new.txt", "public_html/ro/newdir"} {
		if _, err := os.Stat(filepath.Join(e.a.HomeDir, p)); !os.IsNotExist(err) {
			t.Errorf("%s was created", p)
		}
	}
	c := e.client(e.tlsURL, "ro@example.com", "ro-pass")
	if b, err := c.Read("/keep.txt"); err != nil || string(b) != "keep" {
		t.Errorf("read-only login cannot read: %q %v", b, err)
	}
	if fis, err := c.ReadDir("/dir"); err != nil || len(fis) != 1 {
		t.Errorf("read-only login cannot list: %v %v", fis, err)
	}
}

// TestTraversal: neither "..", encoded or not, nor an absolute-form target,
// nor a symlink leads out of the login's directory.
func TestTraversal(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/secret.txt", "site secret")
	mustWrite(t, e.a, "etc/passwd", "mail passwords")
	mustWrite(t, e.b, "public_html/other.txt", "other tenant")
	bobDir := filepath.Join(e.a.HomeDir, "public_html/bob")
	for name, target := range map[string]string{
		"up":      "..",
		"home":    e.a.HomeDir,
		"tenant":  e.b.HomeDir,
		"root":    "/",
		"passwd":  filepath.Join(e.a.HomeDir, "etc/passwd"),
		"sibling": "../secret.txt",
	} {
		if err := os.Symlink(target, filepath.Join(bobDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	get := func(p string) int { return e.do(t, "GET", p, "bob@example.com", "bob-pass", "", nil).StatusCode }
	for _, p := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/../../etc/passwd",
		"/up/secret.txt", "/home/etc/passwd", "/tenant/public_html/other.txt", "/root/etc/hostname",
		"/passwd", "/sibling"} {
		if s := get(p); s == http.StatusOK {
			t.Errorf("GET %s: 200, escaped the directory", p)
		}
	}
	if res := e.do(t, "PUT", "/up/planted.txt", "bob@example.com", "bob-pass", "x", nil); res.StatusCode < 400 {
		t.Errorf("PUT through a symlink out: %d", res.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/planted.txt")); !os.IsNotExist(err) {
		t.Error("a PUT through a symlink wrote outside the directory")
	}
	fis, err := e.client(e.tlsURL, "bob@example.com", "bob-pass").ReadDir("/")
	if err != nil {
		t.Fatalf("listing with escaping symlinks: %v", err)
	}
	if len(fis) != 0 {
		t.Errorf("listing shows %d entries; symlinks out of the directory must not appear", len(fis))
	}
}

// TestHomedirSymlinkOut: a Web Disk directory that is itself a symlink out
// of the home is refused, not followed.
func TestHomedirSymlinkOut(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	if err := os.Symlink(e.b.HomeDir, filepath.Join(e.a.HomeDir, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	d := e.mustDisk(t, e.a, "link", "example.com", "link-pass", diskOptions{homedir: "tmp/link"})
	home := "elsewhere"
	if err := e.db.UpdateWebDiskAccount(context.Background(), d.ID, hosting.WebDiskAccountUpdate{HomeDir: &home}); err != nil {
		t.Fatal(err)
	}
	if s := e.do(t, "PROPFIND", "/", "link@example.com", "link-pass", "", map[string]string{"Depth": "1"}).StatusCode; s != http.StatusNotFound {
		t.Errorf("PROPFIND through a symlinked homedir: %d, want 404", s)
	}
}

func TestSuspendedAccountRefused(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	if s := e.do(t, "GET", "/", "bob@example.com", "bob-pass", "", nil).StatusCode; s != http.StatusMethodNotAllowed {
		t.Fatalf("before suspension: GET / = %d", s)
	}
	yes := true
	if err := e.db.UpdateAccount(context.Background(), e.a.ID, hosting.AccountUpdate{Suspended: &yes}); err != nil {
		t.Fatal(err)
	}
	for _, login := range [][2]string{{"bob@example.com", "bob-pass"}, {"cpuser", "cpuser-password"}} {
		if s := e.do(t, "GET", "/", login[0], login[1], "", nil).StatusCode; s != http.StatusUnauthorized {
			t.Errorf("%s of a suspended account: %d", login[0], s)
		}
	}
}

// TestMainAccountLogin: the account's own name and password reach the
// whole home, as cPanel's main Web Disk account does.
func TestMainAccountLogin(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	mustWrite(t, e.a, "public_html/index.html", "site")
	c := e.client(e.tlsURL, "cpuser", "cpuser-password")
	if b, err := c.Read("/public_html/index.html"); err != nil || string(b) != "site" {
		t.Fatalf("main login read: %q %v", b, err)
	}
	if _, err := e.client(e.tlsURL, "other", "cpuser-password").ReadDir("/"); statusOf(err) != http.StatusUnauthorized {
		t.Errorf("another account with this password: %v", err)
	}
}

// TestBasicNeedsTLS: over plain HTTP only Digest is offered and Basic
// credentials are refused, unless the server is told a proxy does TLS.
func TestBasicNeedsTLS(t *testing.T) {
	t.Parallel()
	for _, allow := range []bool{false, true} {
		e := mustEnvWith(t, envOptions{basicWithoutTLS: allow})
		e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
		req, _ := http.NewRequest("PROPFIND", e.plainURL, nil)
		req.SetBasicAuth("bob@example.com", "bob-pass")
		req.Header.Set("Depth", "1")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		offers := strings.Join(res.Header.Values("Www-Authenticate"), " | ")
		switch {
		case !allow && (res.StatusCode != http.StatusUnauthorized || strings.Contains(offers, "Basic")):
			t.Errorf("plain HTTP: %d, offers %q", res.StatusCode, offers)
		case allow && res.StatusCode != http.StatusMultiStatus:
			t.Errorf("plain HTTP with BasicWithoutTLS: %d", res.StatusCode)
		}
	}
}

// TestCopyIntoItself is refused rather than recursing into its own copy.
func TestCopyIntoItself(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/a/f.txt", "f")
	dest := map[string]string{"Destination": strings.TrimSuffix(e.tlsURL, "/") + "/a/b"}
	if s := e.do(t, "COPY", "/a", "bob@example.com", "bob-pass", "", dest).StatusCode; s != http.StatusForbidden {
		t.Errorf("COPY /a to /a/b: %d", s)
	}
}
