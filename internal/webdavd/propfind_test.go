package webdavd_test

import (
	"io"
	"net/http"
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
