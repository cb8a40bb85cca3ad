package livelib_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/livelib"
)

// TestInstall: every library lands where cPanel keeps it, readable by any
// user, and the PHP ini names the class at the path pages see.
func TestInstall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "lib")
	for range 2 { // a second start rewrites the same files
		if err := livelib.Install(dir, "/usr/local/cpanel"); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"Cpanel/LiveAPI.pm", livelib.PHPClass, livelib.TTRenderer, "uapid/tt/_assets/master.html.tt"} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", f, fi.Mode())
		}
	}
	ini, err := os.ReadFile(filepath.Join(dir, "uapid/php.d/uapid.ini"))
	if err != nil || !strings.Contains(string(ini), `auto_prepend_file = "/usr/local/cpanel/php/cpanel.php"`) {
		t.Errorf("ini %q, %v", ini, err)
	}
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if fi, _ := d.Info(); fi.Mode().Perm() != 0o755 {
				t.Errorf("%s: mode %v", p, fi.Mode())
			}
		}
		if strings.HasSuffix(p, ".tmp") {
			t.Errorf("left %s", p)
		}
		return nil
	})
	env := strings.Join(livelib.Environ("/usr/local/cpanel"), "\n")
	if !strings.Contains(env, "PERL5LIB=/usr/local/cpanel\n") || !strings.Contains(env, "PHP_INI_SCAN_DIR=:/usr/local/cpanel/uapid/php.d") {
		t.Errorf("environment %q", env)
	}
}

// TestSources: the Perl and PHP sources compile.
func TestSources(t *testing.T) {
	dir := t.TempDir()
	if err := livelib.Install(dir, dir); err != nil {
		t.Fatal(err)
	}
	checks := [][]string{
		{"perl", "-I" + dir, "-c", filepath.Join(dir, "Cpanel/LiveAPI.pm")},
		{"php", "-l", filepath.Join(dir, livelib.PHPClass)},
	}
	if exec.Command("perl", "-MTemplate", "-e", "1").Run() == nil {
		checks = append(checks, []string{"perl", "-I" + dir, "-c", filepath.Join(dir, livelib.TTRenderer)})
	}
	for _, c := range checks {
		if _, err := exec.LookPath(c[0]); err != nil {
			t.Logf("%s is not installed: %s not checked", c[0], c[len(c)-1])
			continue
		}
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Errorf("%v: %v\n%s", c, err, out)
		}
	}
}
