package plugin_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/plugin"
)

// TestExamplePlugin runs examples/plugins/hello, the plugin docs/plugins.md
// walks through: its template page, its LiveAPI program and its
// stylesheet.
func TestExamplePlugin(t *testing.T) {
	e := mustEnv(t, plugin.Config{Dir: "../../examples/plugins"})
	b := e.login(t, "cpuser", passA)
	for _, page := range []string{"index.html", "hello.live.pl"} {
		t.Run(page, func(t *testing.T) {
			body := b.mustGet(t, "/plugins/hello/"+page)
			mustContain(t, body, `<strong id="hello-user">cpuser</strong>`, `<p id="hello-tokens">1 API token(s).</p>`)
			mustContain(t, between(body, `<ul id="hello-ftp">`, "</ul>"), "<li>cpuser")
			mustNotContain(t, body, "other", "errors")
		})
	}
	r := b.do(t, http.MethodGet, "/plugins/hello/hello.css", nil)
	if r.code != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Errorf("hello.css: %d %q", r.code, r.header.Get("Content-Type"))
	}
}

// TestNoPrograms: with executable pages turned off, a program is refused
// and never runs, while template pages still render.
func TestNoPrograms(t *testing.T) {
	e := mustEnv(t, plugin.Config{Dir: "../../examples/plugins", NoPrograms: true})
	b := e.login(t, "cpuser", passA)
	if r := b.do(t, http.MethodGet, "/plugins/hello/hello.live.pl", nil); r.code != http.StatusForbidden ||
		!strings.Contains(string(r.body), "plugin_exec") {
		t.Errorf("program page: HTTP %d\n%s", r.code, r.body)
	}
	body := b.mustGet(t, "/plugins/hello/index.html")
	mustContain(t, body, `<strong id="hello-user">cpuser</strong>`)
}
