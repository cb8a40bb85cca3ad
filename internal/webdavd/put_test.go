package webdavd_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// startPut opens a raw connection to the plain listener and sends the
// headers of a PUT of path with Basic credentials, announcing size bytes
// (or chunked when size < 0), then the first part of the body.
func startPut(tb testing.TB, e *env, path, login, pass string, size int, part []byte) net.Conn {
	tb.Helper()
	u, err := url.Parse(e.plainURL)
	if err != nil {
		tb.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	auth := base64.StdEncoding.EncodeToString([]byte(login + ":" + pass))
	head := fmt.Sprintf("PUT %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\n", path, u.Host, auth)
	if size >= 0 {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", size)
	} else {
		head += "Transfer-Encoding: chunked\r\n\r\n"
		part = append([]byte(fmt.Sprintf("%x\r\n", len(part))), append(part, "\r\n"...)...)
	}
	if _, err := conn.Write(append([]byte(head), part...)); err != nil {
		tb.Fatal(err)
	}
	return conn
}

// tempFiles returns the names of PUTs' temporary files in dir.
func tempFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), ".uapid-put-") {
			names = append(names, de.Name())
		}
	}
	return names
}

// waitNoTemp waits (bounded) until the server has removed every temporary
// file of dir: it does so when it notices the cut, in its own goroutine.
func waitNoTemp(tb testing.TB, dir string) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(tempFiles(tb, dir)) > 0 {
		if time.Now().After(deadline) {
			tb.Fatalf("temporary files left in %s: %v", dir, tempFiles(tb, dir))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitTemp waits (bounded) until an upload's temporary file exists in dir
// and returns its name.
func waitTemp(tb testing.TB, dir string) string {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if names := tempFiles(tb, dir); len(names) > 0 {
			return names[0]
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no upload in progress in %s", dir)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestPutCutUpload cuts uploads midway with a raw connection: the file
// under the final name keeps its old content (or never appears), and the
// temporary file goes.
func TestPutCutUpload(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	dir := filepath.Join(e.a.HomeDir, "public_html/bob")
	mustWrite(t, e.a, "public_html/bob/keep.txt", "original")
	part := []byte(strings.Repeat("x", 300<<10))
	for _, tc := range []struct {
		name, path string
		size       int
	}{
		{"overwrite, Content-Length", "/keep.txt", 1 << 20},
		{"overwrite, chunked", "/keep.txt", -1},
		{"new file, Content-Length", "/new.bin", 1 << 20},
		{"new file, chunked", "/new.bin", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn := startPut(t, e, tc.path, "bob@example.com", "bob-pass", tc.size, part)
			waitTemp(t, dir)
			conn.Close()
			waitNoTemp(t, dir)
			if got := mustRead(t, e.a, "public_html/bob/keep.txt"); got != "original" {
				t.Errorf("keep.txt holds %d bytes after a cut upload", len(got))
			}
			if _, err := os.Stat(filepath.Join(dir, "new.bin")); !os.IsNotExist(err) {
				t.Errorf("a cut upload left new.bin: %v", err)
			}
		})
	}
}

// TestPutReplaces: a whole upload replaces the file, keeps its mode, and
// leaves no temporary file.
func TestPutReplaces(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	dir := filepath.Join(e.a.HomeDir, "public_html/bob")
	mustWrite(t, e.a, "public_html/bob/private.txt", "old")
	if err := os.Chmod(filepath.Join(dir, "private.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newRawClient(e, "bob@example.com", "bob-pass")
	for _, tc := range []struct{ path, body string }{{"/private.txt", "new content"}, {"/fresh.txt", "fresh"}, {"/empty.txt", ""}} {
		if code, _, _ := c.do(t, "PUT", tc.path, tc.body, nil); code != http.StatusCreated {
			t.Fatalf("PUT %s: %d", tc.path, code)
		}
		if got := mustRead(t, e.a, "public_html/bob"+tc.path); got != tc.body {
			t.Errorf("%s holds %q", tc.path, got)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "private.txt")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file's mode: %v %v, want 0600", fi.Mode(), err)
	}
	if names := tempFiles(t, dir); len(names) > 0 {
		t.Errorf("temporary files left: %v", names)
	}
	if code, _, _ := c.do(t, "PUT", "/", "x", nil); code == http.StatusCreated {
		t.Errorf("PUT on a collection succeeded")
	}
}

// TestSpecialFileRefused: a FIFO in a Web Disk (placed by a plugin or a
// shell) answers GET with an error at once instead of holding the request
// until a writer appears; a PUT replaces it with a regular file.
func TestSpecialFileRefused(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/file.txt", "hello")
	fifo := filepath.Join(e.a.HomeDir, "public_html/bob/fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	c := newRawClient(e, "bob@example.com", "bob-pass")
	if code, _, _ := c.do(t, "GET", "/fifo", "", nil); code < 400 {
		t.Errorf("GET of a FIFO: %d, want an error", code)
	}
	if code, _, body := c.do(t, "GET", "/file.txt", "", nil); code != http.StatusOK || body != "hello" {
		t.Errorf("GET of a file next to it: %d %q", code, body)
	}
	if code, _, _ := c.do(t, "PUT", "/fifo", "data", nil); code != http.StatusCreated && code != http.StatusNoContent {
		t.Fatalf("PUT over the FIFO: %d", code)
	}
	if fi, err := os.Lstat(fifo); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("after PUT: %v %v, want a regular file", fi, err)
	}
}

// TestPutTemporaryHidden: while an upload runs, its temporary file is not
// listed and cannot be reached by name; then the upload completes.
func TestPutTemporaryHidden(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	dir := filepath.Join(e.a.HomeDir, "public_html/bob")
	conn := startPut(t, e, "/up.txt", "bob@example.com", "bob-pass", 10, []byte("hello"))
	tmp := waitTemp(t, dir)
	c := newRawClient(e, "bob@example.com", "bob-pass")
	if code, _, body := c.do(t, "PROPFIND", "/", "", map[string]string{"Depth": "1"}); code != http.StatusMultiStatus || strings.Contains(body, ".uapid-put-") {
		t.Errorf("PROPFIND while uploading: %d %s", code, body)
	}
	dest := map[string]string{"Destination": strings.TrimSuffix(e.plainURL, "/") + "/stolen"}
	for _, r := range []struct{ method, path string }{
		{"GET", "/" + tmp}, {"PROPFIND", "/" + tmp}, {"DELETE", "/" + tmp}, {"MOVE", "/" + tmp},
		{"COPY", "/" + tmp}, {"PUT", "/" + tmp}, {"PUT", "/.uapid-put-0123456789abcdef"}, {"MKCOL", "/.uapid-put-dir"},
	} {
		hdr := map[string]string{"Depth": "0"}
		if r.method == "MOVE" || r.method == "COPY" {
			hdr = dest
		}
		if code, _, _ := c.do(t, r.method, r.path, "", hdr); code < 400 {
			t.Errorf("%s %s: %d", r.method, r.path, code)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, tmp)); err != nil {
		t.Fatalf("the running upload's file went: %v", err)
	}
	if names := tempFiles(t, dir); len(names) != 1 {
		t.Errorf("a client made a file with the temporary prefix: %v", names)
	}
	if _, err := conn.Write([]byte("world")); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %v %v", res, err)
	}
	if got := mustRead(t, e.a, "public_html/bob/up.txt"); got != "helloworld" {
		t.Errorf("up.txt holds %q", got)
	}
	waitNoTemp(t, dir)
}

// TestPutKilled: a kill mid-upload closes the request's file system; the
// temporary file is still removed and nothing appears under the name.
func TestPutKilled(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	w := e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	dir := filepath.Join(e.a.HomeDir, "public_html/bob")
	startPut(t, e, "/big.bin", "bob@example.com", "bob-pass", 1<<20, []byte("partial"))
	waitTemp(t, dir)
	if n, _ := e.srv.KillLogin(context.Background(), e.a.ID, w.Login()); n != 1 {
		t.Errorf("KillLogin closed %d connections", n)
	}
	waitNoTemp(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "big.bin")); !os.IsNotExist(err) {
		t.Errorf("a killed upload left big.bin: %v", err)
	}
}

// bytesOnDisk sums the sizes of the regular files below dir.
func bytesOnDisk(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestPutUsage: with the real usage keeper, the account's counted usage
// equals the bytes on disk after a whole upload, an overwrite, a cut
// upload and a killed one: the temporary file's bytes are counted while
// it exists and given back when it goes, and the replaced file's are freed.
func TestPutUsage(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true, usage: true})
	w := e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	dir := filepath.Join(e.a.HomeDir, "public_html/bob")
	ctx := context.Background()
	if _, err := e.usage.Rescan(ctx, e.a); err != nil {
		t.Fatal(err)
	}
	wantCounted := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			c, err := e.usage.Counts(ctx, e.a)
			if err != nil {
				t.Fatal(err)
			}
			disk := bytesOnDisk(t, e.a.HomeDir)
			if c.Dirs[hosting.UsageHome] == disk {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: usage counts %d bytes, the disk holds %d", what, c.Dirs[hosting.UsageHome], disk)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	c := newRawClient(e, "bob@example.com", "bob-pass")
	for _, size := range []int{200 << 10, 50 << 10} {
		if code, _, _ := c.do(t, "PUT", "/a.bin", strings.Repeat("a", size), nil); code != http.StatusCreated {
			t.Fatalf("PUT of %d bytes: %d", size, code)
		}
		wantCounted(fmt.Sprintf("after a PUT of %d bytes", size))
	}
	conn := startPut(t, e, "/a.bin", "bob@example.com", "bob-pass", 4<<20, []byte(strings.Repeat("x", 1500<<10)))
	waitTemp(t, dir)
	conn.Close()
	waitNoTemp(t, dir)
	wantCounted("after a cut upload")
	startPut(t, e, "/b.bin", "bob@example.com", "bob-pass", 4<<20, []byte(strings.Repeat("y", 1500<<10)))
	waitTemp(t, dir)
	if _, err := e.srv.KillLogin(ctx, e.a.ID, w.Login()); err != nil {
		t.Fatal(err)
	}
	waitNoTemp(t, dir)
	wantCounted("after a killed upload")
	if got := mustRead(t, e.a, "public_html/bob/a.bin"); len(got) != 50<<10 {
		t.Errorf("a.bin holds %d bytes", len(got))
	}
}

// TestLayoutKept: the account's own Web Disk login (the whole home) can
// neither delete nor move the home's standard directories, nor move its
// own directory into their place; its own directories still go.
func TestLayoutKept(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	mustWrite(t, e.a, "public_html/index.html", "site")
	mustWrite(t, e.a, "mine/a.txt", "a")
	c := newRawClient(e, "cpuser", "cpuser-password")
	dest := func(p string) map[string]string { return map[string]string{"Destination": c.base + p} }
	for _, tc := range []struct {
		method, path string
		hdr          map[string]string
	}{
		{"DELETE", "/public_html/", nil},
		{"DELETE", "/mail/", nil},
		{"MOVE", "/public_html/", dest("/away/")},
		{"MOVE", "/mine/", map[string]string{"Destination": c.base + "/etc/", "Overwrite": "T"}},
	} {
		if code, _, _ := c.do(t, tc.method, tc.path, "", tc.hdr); code < 400 {
			t.Errorf("%s %s: %d, want refused", tc.method, tc.path, code)
		}
	}
	if got := mustRead(t, e.a, "public_html/index.html"); got != "site" {
		t.Errorf("public_html/index.html holds %q", got)
	}
	if code, _, _ := c.do(t, "MOVE", "/mine/", "", dest("/mine2/")); code != http.StatusCreated {
		t.Errorf("MOVE of an own directory: %d", code)
	}
	if code, _, _ := c.do(t, "DELETE", "/mine2/", "", nil); code != http.StatusNoContent {
		t.Errorf("DELETE of an own directory: %d", code)
	}
}
