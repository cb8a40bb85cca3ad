package main

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"

	"github.com/studio-b12/gowebdav"
)

// testWebDisk creates a Web Disk account with the uapi command line and
// uses it with a real WebDAV client over the daemon's TLS listener.
func (s *server) testWebDisk(t *testing.T) {
	out, errOut, code := s.runCmd(t, s.uapi, nil, "--user=demo", "WebDisk", "add_user", "user=disk", "password=Disk-pass-123",
		"homedir=public_html/disk", "perms=rw")
	if code != 0 {
		t.Fatalf("add_user: exit %d\n%s%s", code, out, errOut)
	}
	c := gowebdav.NewClient("https://"+s.main.Addr("webdav").String()+"/", "disk@demo.example", "Disk-pass-123")
	c.SetTransport(&http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}})
	if err := c.Write("hello.txt", []byte("hello web disk"), 0o644); err != nil {
		t.Fatalf("PUT: %v", err)
	}
	b, err := c.Read("hello.txt")
	if err != nil || string(b) != "hello web disk" {
		t.Fatalf("GET: %q %v", b, err)
	}
	out, _, _ = s.runCmd(t, s.uapi, nil, "--user=demo", "--output=json", "WebDisk", "list_users")
	if !strings.Contains(out, "disk@demo.example") {
		t.Errorf("list_users: %s", out)
	}
	if _, _, code = s.runCmd(t, s.uapi, nil, "--user=demo", "WebDisk", "set_permissions", "user=disk@demo.example", "perms=ro"); code != 0 {
		t.Fatalf("set_permissions: exit %d", code)
	}
	if err := c.Write("other.txt", []byte("x"), 0o644); err == nil {
		t.Error("a read-only Web Disk account could write")
	}
	bad := gowebdav.NewClient("https://"+s.main.Addr("webdav").String()+"/", "disk@demo.example", "wrong")
	bad.SetTransport(&http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}})
	if _, err := bad.ReadDir("/"); err == nil {
		t.Error("a wrong password could list")
	}
}
