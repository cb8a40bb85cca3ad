package webdavd_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestPropfindListsWithoutOpening: a PROPFIND of a directory answers each
// entry's properties, content types from the extension or the first bytes
// as before, and never opens an entry it only describes: a FIFO in the
// directory (opening it for reading would wait for a writer, for ever) is
// listed like any file.
func TestPropfindListsWithoutOpening(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/page.html", "<html>the site</html>")
	mustWrite(t, e.a, "public_html/bob/README", "plain words")
	mustWrite(t, e.a, "public_html/bob/sub/x.txt", "x")
	if err := syscall.Mkfifo(filepath.Join(e.a.HomeDir, "public_html/bob/pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := e.do(t, "PROPFIND", "/", "bob@example.com", "bob-pass", "", map[string]string{"Depth": "1"})
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusMultiStatus {
		t.Fatalf("PROPFIND: %d %v\n%s", res.StatusCode, err, b)
	}
	body := string(b)
	for _, want := range []string{
		"<D:href>/page.html</D:href>", "text/html; charset=utf-8",
		"<D:href>/README</D:href>", "text/plain; charset=utf-8", // sniffed from its first bytes
		"<D:href>/sub/</D:href>", "<D:href>/pipe</D:href>", "application/octet-stream",
		"<D:getcontentlength>21</D:getcontentlength>", "<D:getetag>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %q in:\n%s", want, body)
		}
	}
	// A GET still reads the file itself.
	if got := e.do(t, "GET", "/README", "bob@example.com", "bob-pass", "", nil); got.StatusCode != http.StatusOK {
		t.Errorf("GET: %d", got.StatusCode)
	}
}

// BenchmarkPropfind200: PROPFIND Depth 1 of a directory of 200 files, one
// keep-alive client, server and client in this process.
func BenchmarkPropfind200(b *testing.B) {
	e := mustEnv(b)
	e.mustDisk(b, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	for i := range 200 {
		mustWrite(b, e.a, "public_html/bob/d/f"+strconv.Itoa(i)+".txt", "some words")
	}
	client := &http.Client{Transport: e.transport}
	b.ResetTimer()
	for range b.N {
		req, _ := http.NewRequest("PROPFIND", e.tlsURL+"d/", nil)
		req.SetBasicAuth("bob@example.com", "bob-pass")
		req.Header.Set("Depth", "1")
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusMultiStatus {
			b.Fatal(res.Status)
		}
	}
}

// TestPropfindSymlinksInListing: a listing answers its entries from the
// directory read, but a symlink is stat'ed through the jail: one to a
// directory inside is a collection, one to a file has the file's length,
// and one out of the login's directory is not listed.
func TestPropfindSymlinksInListing(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/page.txt", "twelve bytes")
	mustWrite(t, e.a, "public_html/bob/sub/x.txt", "x")
	mustWrite(t, e.a, "public_html/secret.txt", "site secret, longer than the rest")
	bobDir := filepath.Join(e.a.HomeDir, "public_html/bob")
	for name, target := range map[string]string{
		"docs": "sub", "alias.txt": "page.txt", "out": "../secret.txt", "tenant": e.b.HomeDir,
	} {
		if err := os.Symlink(target, filepath.Join(bobDir, name)); err != nil {
			t.Fatal(err)
		}
	}
	fis, err := e.client(e.tlsURL, "bob@example.com", "bob-pass").ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, fi := range fis {
		got[fi.Name()] = fmt.Sprintf("dir=%t size=%d", fi.IsDir(), fi.Size())
	}
	want := map[string]string{
		"page.txt": "dir=false size=12", "alias.txt": "dir=false size=12",
		"sub": "dir=true size=0", "docs": "dir=true size=0",
	}
	if !maps.Equal(got, want) {
		t.Errorf("listing = %v, want %v", got, want)
	}
}

// TestPropfindStatsPerRequest: the stats a PROPFIND keeps are its own: a
// later PROPFIND sees a file that grew and one that went, and logins with
// the same names in other directories, of the same account or another
// tenant's, each see their own files.
func TestPropfindStatsPerRequest(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	e.mustDisk(t, e.a, "carol", "example.com", "carol-pass", diskOptions{})
	e.mustDisk(t, e.b, "bob", "other.org", "other-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/f.txt", "1")
	mustWrite(t, e.a, "public_html/bob/gone.txt", "1")
	mustWrite(t, e.a, "public_html/carol/f.txt", "22")
	mustWrite(t, e.b, "public_html/bob/f.txt", "333")
	sizes := func(login, pass string) map[string]int64 {
		t.Helper()
		fis, err := e.client(e.tlsURL, login, pass).ReadDir("/")
		if err != nil {
			t.Fatalf("%s: %v", login, err)
		}
		out := map[string]int64{}
		for _, fi := range fis {
			out[fi.Name()] = fi.Size()
		}
		return out
	}
	for range 2 {
		for _, tc := range []struct {
			login, pass string
			want        map[string]int64
		}{
			{"bob@example.com", "bob-pass", map[string]int64{"f.txt": 1, "gone.txt": 1}},
			{"carol@example.com", "carol-pass", map[string]int64{"f.txt": 2}},
			{"bob@other.org", "other-pass", map[string]int64{"f.txt": 3}},
		} {
			if got := sizes(tc.login, tc.pass); !maps.Equal(got, tc.want) {
				t.Errorf("%s lists %v, want %v", tc.login, got, tc.want)
			}
		}
	}
	mustWrite(t, e.a, "public_html/bob/f.txt", "4444")
	if err := os.Remove(filepath.Join(e.a.HomeDir, "public_html/bob/gone.txt")); err != nil {
		t.Fatal(err)
	}
	if got, want := sizes("bob@example.com", "bob-pass"), map[string]int64{"f.txt": 4}; !maps.Equal(got, want) {
		t.Errorf("after the change bob lists %v, want %v", got, want)
	}
}
