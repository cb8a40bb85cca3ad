package ftpd_test

import (
	"net/textproto"
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/ftpd"
)

// rawLogin logs in over a plain textproto connection, for commands
// jlaffaye/ftp does not send (SITE CHMOD).
func rawLogin(tb testing.TB, addr, user, pass string) *textproto.Conn {
	tb.Helper()
	c, err := textproto.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	if _, _, err := c.ReadResponse(220); err != nil {
		tb.Fatal(err)
	}
	for _, step := range []struct {
		cmd  string
		code int
	}{{"USER " + user, 331}, {"PASS " + pass, 230}} {
		if err := c.PrintfLine("%s", step.cmd); err != nil {
			tb.Fatal(err)
		}
		if _, _, err := c.ReadResponse(step.code); err != nil {
			tb.Fatalf("%s: %v", step.cmd, err)
		}
	}
	return c
}

func siteChmod(tb testing.TB, c *textproto.Conn, mode, name string) int {
	tb.Helper()
	if err := c.PrintfLine("SITE CHMOD %s %s", mode, name); err != nil {
		tb.Fatal(err)
	}
	code, _, _ := c.ReadResponse(0)
	return code
}

func modeOf(tb testing.TB, name string) os.FileMode {
	tb.Helper()
	st, err := os.Stat(name)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Mode().Perm()
}

// SITE CHMOD never changes the login's root or the home's protected
// layout, whatever path (symlinks, "..", "/") names them, and still
// changes the tenant's own files and directories.
func TestSiteChmodProtectsLayout(t *testing.T) {
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "alice", "alice-pass", "alice.example")
	f.mustFTPAccount(t, a, "bob", "alice.example", "bob-pass", "public_html/bob", 0)
	home := a.HomeDir
	mustChmod(t, home, 0o711)
	mustMkdir(t, filepath.Join(home, "public_html", "bob", "site"), 0o755)
	mustMkdir(t, filepath.Join(home, "mine"), 0o755)
	for link, target := range map[string]string{"to_html": "public_html", "to_home": ".", "mine/up": ".."} {
		if err := os.Symlink(target, filepath.Join(home, link)); err != nil {
			t.Fatal(err)
		}
	}
	before := map[string]os.FileMode{}
	for _, d := range []string{"", "public_html", "public_ftp", "public_ftp/incoming", "etc", "logs", "mail", "tmp", "public_html/bob"} {
		before[d] = modeOf(t, filepath.Join(home, d))
	}
	owner := rawLogin(t, f.addr, "alice", "alice-pass")
	sub := rawLogin(t, f.addr, "bob@alice.example", "bob-pass")
	tests := []struct {
		name string
		c    *textproto.Conn
		path string
		want int
	}{
		{"owner: /", owner, "/", 550},
		{"owner: .", owner, ".", 550},
		{"owner: public_html", owner, "public_html", 550},
		{"owner: /etc", owner, "/etc", 550},
		{"owner: public_ftp/incoming", owner, "public_ftp/incoming", 550},
		{"owner: mail via ..", owner, "public_html/../mail", 550},
		{"owner: symlink to public_html", owner, "to_html", 550},
		{"owner: symlink to the home", owner, "to_home", 550},
		{"owner: symlink up from a subdirectory", owner, "mine/up", 550},
		{"owner: own file", owner, "marker.txt", 200},
		{"owner: own directory", owner, "mine", 200},
		{"sub-login: its root", sub, "/", 550},
		{"sub-login: its root by ..", sub, "site/..", 550},
		{"sub-login: its own directory", sub, "site", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := siteChmod(t, tt.c, "777", tt.path); got != tt.want {
				t.Errorf("SITE CHMOD 777 %s: %d, want %d", tt.path, got, tt.want)
			}
		})
	}
	for d, mode := range before {
		if got := modeOf(t, filepath.Join(home, d)); got != mode {
			t.Errorf("mode of %q changed: %v → %v", d, mode, got)
		}
	}
	if got := modeOf(t, filepath.Join(home, "mine")); got != 0o777 {
		t.Errorf("own directory mode %v, want 0777", got)
	}
}

// The rename detour is closed too: a protected directory cannot be renamed
// away, chmodded and renamed back, nor replaced by one of the tenant's.
func TestSiteChmodRenameDetour(t *testing.T) {
	f := mustServer(t, ftpd.Config{}, lenientLimits())
	a := f.mustAccount(t, "alice", "alice-pass", "alice.example")
	home := a.HomeDir
	before := modeOf(t, filepath.Join(home, "public_html"))
	c := rawLogin(t, f.addr, "alice", "alice-pass")
	steps := []struct {
		cmd  string
		want int
	}{
		{"RNFR public_html", 350},
		{"RNTO away", 550},
		{"MKD mine", 257},
		{"SITE CHMOD 777 mine", 200},
		{"RNFR mine", 350},
		{"RNTO public_html", 550},
		{"RMD public_html", 550},
		{"RNFR mine", 350},
		{"RNTO mine2", 250},
	}
	for _, s := range steps {
		if err := c.PrintfLine("%s", s.cmd); err != nil {
			t.Fatal(err)
		}
		if code, msg, _ := c.ReadResponse(0); code != s.want {
			t.Errorf("%s: %d %s, want %d", s.cmd, code, msg, s.want)
		}
	}
	if st, err := os.Stat(filepath.Join(home, "public_html")); err != nil || st.Mode().Perm() != before {
		t.Errorf("public_html: %v, %v; want mode %v kept", st, err, before)
	}
}
