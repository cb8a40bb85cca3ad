package ftp

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestAnonymousFTP(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	allows := func(n string) string { return okData(`{"allows":` + n + `}`) }
	steps := []struct {
		name, fn string
		args     []string
		want     string
		dir      string      // directory whose mode to check afterwards
		mode     fs.FileMode // 0: do not check
	}{
		{"fresh account", "allows_anonymous_ftp", nil, allows("0"), "public_ftp", 0o750},
		{"fresh incoming", "allows_anonymous_ftp_incoming", nil, allows("0"), "public_ftp/incoming", 0o700},
		{"enable", "set_anonymous_ftp", []string{"set=1"}, nullOK, "public_ftp", 0o755},
		{"enabled", "allows_anonymous_ftp", nil, allows("1"), "", 0},
		{"enable uploads", "set_anonymous_ftp_incoming", []string{"set=1"}, nullOK, "public_ftp/incoming", 0o753},
		{"uploads enabled", "allows_anonymous_ftp_incoming", nil, allows("1"), "", 0},
		{"disable uploads by default", "set_anonymous_ftp_incoming", nil, nullOK, "public_ftp/incoming", 0o700},
		{"disable", "set_anonymous_ftp", []string{"set=0"}, nullOK, "public_ftp", 0o750},
		{"disabled", "allows_anonymous_ftp", nil, allows("0"), "", 0},
		{"bad set", "set_anonymous_ftp", []string{"set=maybe"}, failure("The “set” parameter must be 1 or 0, not “maybe”."), "public_ftp", 0o750},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			e.checkResult(t, e.call(e.a, st.fn, st.args...), st.want)
			if st.mode != 0 && mustMode(t, e.a, st.dir).Perm() != st.mode {
				t.Errorf("%s mode %v, want %v", st.dir, mustMode(t, e.a, st.dir).Perm(), st.mode)
			}
		})
	}
	if mustMode(t, e.b, "public_ftp").Perm() != 0o750 {
		t.Error("another tenant's public_ftp changed")
	}
}

// TestAnonymousMissingDirectory checks cPanel's quirk: a missing directory
// is created with anonymous access off and the answer has status 0 without
// an error.
func TestAnonymousMissingDirectory(t *testing.T) {
	t.Parallel()
	quirk := `{"data":{"allows":0},"errors":null,"messages":null,"metadata":{},"status":0,"warnings":null}`
	tests := []struct {
		name, fn, remove, made string
		mode                   fs.FileMode
	}{
		{"public_ftp", "allows_anonymous_ftp", "public_ftp", "public_ftp", 0o750},
		{"incoming", "allows_anonymous_ftp_incoming", "public_ftp/incoming", "public_ftp/incoming", 0o700},
		{"incoming without public_ftp", "allows_anonymous_ftp_incoming", "public_ftp", "public_ftp/incoming", 0o700},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			if err := os.RemoveAll(filepath.Join(e.a.HomeDir, tt.remove)); err != nil {
				t.Fatal(err)
			}
			e.checkResult(t, e.call(e.a, tt.fn), quirk)
			if mustMode(t, e.a, tt.made).Perm() != tt.mode {
				t.Errorf("%s created with mode %v", tt.made, mustMode(t, e.a, tt.made).Perm())
			}
			e.checkResult(t, e.call(e.a, tt.fn), okData(`{"allows":0}`))
		})
	}
}

func TestAnonymousRefusesSymlinks(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	pub := filepath.Join(e.a.HomeDir, "public_ftp")
	if err := os.RemoveAll(pub); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("public_html", pub); err != nil {
		t.Fatal(err)
	}
	e.checkResult(t, e.call(e.a, "allows_anonymous_ftp"), okData(`{"allows":0}`))
	if r := e.call(e.a, "set_anonymous_ftp", "set=1"); r.Status != 0 {
		t.Errorf("chmod through a symlink: %+v", r)
	}
	if mustMode(t, e.a, "public_html").Perm() != 0o750 {
		t.Errorf("public_html mode changed to %v", mustMode(t, e.a, "public_html").Perm())
	}
}

func TestDisablingAnonymousClosesAnonymousSessions(t *testing.T) {
	t.Parallel()
	e := mustSessions(t)
	e.mustOK(t, e.a, "set_anonymous_ftp", "set=0")
	for _, id := range e.sessions.ids() {
		if id == 13 {
			t.Error("the anonymous session is still live")
		}
	}
	if len(e.sessions.ids()) != 6 {
		t.Errorf("sessions %v", e.sessions.ids())
	}
}
