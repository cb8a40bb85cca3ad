package ftp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func okData(data string) string {
	return `{"data":` + data + `,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`
}

func TestWelcomeMessage(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	path := filepath.Join(e.a.HomeDir, "public_ftp", "welcome.msg")
	tests := []struct {
		name, fn string
		args     []string
		want     string
	}{
		{"missing file", "get_welcome_message", nil, okData(`""`)},
		{"set", "set_welcome_message", []string{"message=Greetings, Professor Falken.\nShall we play a game?"}, nullOK},
		{"get", "get_welcome_message", nil, okData(`"Greetings, Professor Falken.\nShall we play a game?"`)},
		{"set empty", "set_welcome_message", []string{"message="}, nullOK},
		{"get empty", "get_welcome_message", nil, okData(`""`)},
		{"no message", "set_welcome_message", nil, failure("You must specify a message.")},
		{"too long", "set_welcome_message", []string{"message=" + strings.Repeat("x", maxWelcomeLen+1)},
			failure("The “message” parameter must be at most 65536 characters long.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, tt.fn, tt.args...), tt.want)
		})
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode() != 0o644 {
		t.Errorf("welcome.msg: %v, mode %v", err, fi.Mode())
	}
	e.checkResult(t, e.call(e.b, "get_welcome_message"), okData(`""`))
}

func TestWelcomeMessageNeverFollowsSymlinks(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	secret := filepath.Join(e.a.HomeDir, "etc", "secret")
	if err := os.WriteFile(secret, []byte("do not show"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(e.a.HomeDir, "public_ftp", "welcome.msg")
	if err := os.Symlink("../etc/secret", link); err != nil {
		t.Fatal(err)
	}
	r := e.call(e.a, "get_welcome_message")
	if r.Status != 0 || strings.Contains(strings.Join(r.Errors, ""), "do not show") {
		t.Errorf("read through a symlink: %+v", r)
	}
	e.checkResult(t, e.call(e.a, "set_welcome_message", "message=hello"), nullOK)
	if b, _ := os.ReadFile(secret); string(b) != "do not show" {
		t.Errorf("wrote through a symlink: secret is %q", b)
	}
	if fi, err := os.Lstat(link); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("welcome.msg is not a regular file now: %v %v", fi, err)
	}

	// A public_ftp that is a symlink (even inside the home) is refused.
	pub := filepath.Join(e.b.HomeDir, "public_ftp")
	if err := os.RemoveAll(pub); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("etc", pub); err != nil {
		t.Fatal(err)
	}
	r = e.call(e.b, "set_welcome_message", "message=x")
	if r.Status != 0 || exists(e.b, "etc/welcome.msg") {
		t.Errorf("set through a symlinked public_ftp: %+v", r)
	}
	if r := e.call(e.b, "get_welcome_message"); r.Status != 0 {
		t.Errorf("read through a symlinked public_ftp: %+v", r)
	}
}
