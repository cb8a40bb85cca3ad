package plugin_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/plugin"
)

// TestTemplatePage: a template page renders inside the UI's layout with
// execute running for the session's account, like a built-in page.
func TestTemplatePage(t *testing.T) {
	e := mustEnv(t, plugin.Config{})
	for _, path := range []string{"/plugins/probe/tokens.html.tmpl", "/plugins/probe/tokens.html"} {
		t.Run(path, func(t *testing.T) {
			b := e.login(t, "cpuser", passA)
			body := b.mustGet(t, path+"?q=%3Cscript%3E")
			mustContain(t, body,
				`<title>Probe &amp; tokens · uapid</title>`,            // the template's title, escaped once
				`id="account-name" data-testid="account-name">cpuser<`, // the layout
				`<p id="plugin">probe</p>`, `<p id="who">cpuser</p>`,
				`<p id="q">&lt;script&gt;</p>`,
				`<li>alpha</li>`)
			mustNotContain(t, body, "bravo", "<script>")
		})
	}
	b := e.login(t, "other", passB)
	mustContain(t, b.mustGet(t, "/plugins/probe/tokens.html"), "<li>bravo</li>")
	if r := b.do(t, http.MethodPost, "/plugins/probe/tokens.html", nil); r.code != http.StatusMethodNotAllowed ||
		r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", r.code, r.header.Get("Allow"))
	}
}

// TestTemplatePageOnlyReads: execute refuses a change while a page
// renders, in plugins as in built-in pages, and nothing changes.
func TestTemplatePageOnlyReads(t *testing.T) {
	e := mustEnv(t, plugin.Config{})
	b := e.login(t, "cpuser", passA)
	r := b.do(t, http.MethodGet, "/plugins/probe/write.html", nil)
	if r.code != http.StatusInternalServerError {
		t.Fatalf("%d, want 500\n%s", r.code, r.body)
	}
	mustContain(t, b.mustGet(t, "/plugins/probe/tokens.html"), "<li>alpha</li>")
}

// TestBrokenTemplate: a template that does not parse is an internal
// error, its details in the log only.
func TestBrokenTemplate(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{"p/broken.html.tmpl": "{{ if }}"})
	e := mustEnv(t, plugin.Config{Dir: dir})
	r := e.login(t, "cpuser", passA).do(t, http.MethodGet, "/plugins/p/broken.html", nil)
	if r.code != http.StatusInternalServerError {
		t.Fatalf("%d\n%s", r.code, r.body)
	}
	mustNotContain(t, r.body, "broken.html.tmpl", "missing value")
}

// TestStaticFiles: a plugin's stylesheets and images are sent; other
// files are not pages.
func TestStaticFiles(t *testing.T) {
	e := mustEnv(t, plugin.Config{})
	b := e.login(t, "cpuser", passA)
	r := b.do(t, http.MethodGet, "/plugins/probe/style.css", nil)
	if r.code != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") ||
		r.body != "body { color: #333; }\n" || r.header.Get("Content-Security-Policy") == "" {
		t.Errorf("style.css: %d %v %q", r.code, r.header, r.body)
	}
	for _, page := range []string{"notes.txt", ".hidden.live.pl"} {
		if r := b.do(t, http.MethodGet, "/plugins/probe/"+page, nil); r.code != http.StatusNotFound {
			t.Errorf("%s: %d", page, r.code)
		}
	}
}

// TestNames: no name in the URL reaches a hidden file, a file outside
// the plugin folder, or anything but a page.
func TestNames(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.live.pl")
	if err := os.WriteFile(secret, []byte("print \"Content-Type: text/plain\\n\\nSECRET\\n\";\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir := mustPluginDir(t, map[string]string{
		"p/ok.live.pl":      "print \"Content-Type: text/plain\\n\\nfine\\n\";\n",
		".hidden/x.live.pl": "print \"Content-Type: text/plain\\n\\nSECRET\\n\";\n",
	})
	mustSymlink(t, secret, filepath.Join(dir, "p", "link.live.pl"))
	mustSymlink(t, outside, filepath.Join(dir, "escape"))
	mustSymlink(t, "ok.live.pl", filepath.Join(dir, "p", "inner.live.pl")) // even inside: a program runs by path
	if err := os.Mkdir(filepath.Join(dir, "p", "sub.live.pl"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := mustEnv(t, plugin.Config{Dir: dir})
	b := e.login(t, "cpuser", passA)
	mustSymlink(t, "p", filepath.Join(dir, "alias")) // a plugin linked inside the folder is fine
	b.mustGet(t, "/plugins/p/ok.live.pl")
	b.mustGet(t, "/plugins/alias/ok.live.pl")
	refused := []string{
		"/plugins/p/..%2F..%2Fetc%2Fpasswd", "/plugins/p/%2e%2e", "/plugins/%2e%2e/p",
		"/plugins/p/.hidden.live.pl", "/plugins/.hidden/x.live.pl", "/plugins/p/a%2Fb",
		"/plugins/p/link.live.pl", "/plugins/escape/secret.live.pl", "/plugins/p/inner.live.pl",
		"/plugins/p/sub.live.pl", "/plugins/p/missing.live.pl", "/plugins/nope/ok.live.pl",
		"/plugins/p/ok.live.pl%00", "/plugins/p/ok%5Clive.pl", "/plugins/p/" + strings.Repeat("a", 101),
	}
	for _, path := range refused {
		t.Run(path, func(t *testing.T) {
			r := b.do(t, http.MethodGet, path, nil)
			if r.code != http.StatusNotFound {
				t.Errorf("%d, want 404\n%s", r.code, r.body)
			}
			mustNotContain(t, r.body, "SECRET")
		})
	}
	// Dot segments never reach the plugin server: the mux cleans them.
	if r := b.do(t, http.MethodGet, "/plugins/p/../../x", nil); r.code == http.StatusOK {
		t.Errorf("dot segments: %d", r.code)
	}
}

func mustSymlink(tb testing.TB, target, link string) {
	tb.Helper()
	if err := os.Symlink(target, link); err != nil {
		tb.Fatal(err)
	}
}

// TestNewRefusesBadFolder: a missing plugin folder is a start-up error.
func TestNewRefusesBadFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "missing"), file} {
		if _, err := plugin.New(plugin.Config{Dir: dir}, nil, nil); err == nil {
			t.Errorf("New accepted %q", dir)
		}
	}
}
