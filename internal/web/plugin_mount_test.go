package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/pagehost"
	"github.com/uapid/uapid/internal/web"
)

// fakePlugins answers plugin pages by their name, to test the mount.
type fakePlugins struct{ calls int }

func (f *fakePlugins) ServePluginPage(w http.ResponseWriter, r *http.Request, p *pagehost.Request) {
	f.calls++
	switch p.Page {
	case "tmpl":
		p.Host.RenderTemplate(w, r, "tmpl.tmpl", `{{define "title"}}Fish & chips{{end}}`+
			`{{$r := execute "Tokens" "list"}}<p id="n">{{len $r.Data}}</p><p id="pl">{{.Plugin}}</p><p id="q">{{.Query.Get "q"}}</p>`)
	case "write":
		p.Host.RenderTemplate(w, r, "write.tmpl", `{{execute "Tokens" "revoke" (args "name" "x")}}`)
	case "chrome":
		header, footer, err := p.Host.Chrome(r)
		if err != nil {
			p.Host.InternalError(w, r, err)
			return
		}
		_, _ = fmt.Fprintf(w, "%s<p id=\"body\">body</p>%s", header, footer)
	case "missing":
		p.Host.NotFound(w, r)
	case "teapot":
		p.Host.Error(w, r, http.StatusTeapot, "Teapot", "Short and stout.")
	default:
		_, _ = fmt.Fprintf(w, "raw %s %s %s", p.Account.Name, p.Token, p.Path())
	}
}

// pluginDo sends a request to the UI with fake plugins mounted.
func pluginDo(tb testing.TB, h http.Handler, path, cookie string) resp {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: cookie})
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{code: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// TestPluginMount: plugin pages get the session resolved as every page
// does, the UI's headers, and templates rendered with its layout and
// execute; the UI's own pages stay where they are.
func TestPluginMount(t *testing.T) {
	e := mustEnv(t)
	fake := &fakePlugins{}
	h := web.New(web.Config{Location: time.UTC}, e.eng, e.au, fixture.Logger(t)).WithPlugins(fake)
	b := e.login(t, "cpuser", passA)
	e.mustCall(t, e.a, "Tokens", "create_full_access", "name=one")
	base := "/" + b.token + "/plugins/demo/"

	t.Run("no session", func(t *testing.T) {
		r := pluginDo(t, h, base+"raw", "")
		if r.code != http.StatusSeeOther || r.header.Get("Location") != "/login/?goto_uri=%2Fplugins%2Fdemo%2Fraw" {
			t.Errorf("%d %q", r.code, r.header.Get("Location"))
		}
	})
	t.Run("another session's token", func(t *testing.T) {
		other := e.login(t, "other", passB)
		if r := pluginDo(t, h, base+"raw", other.cookie); r.code != http.StatusForbidden {
			t.Errorf("%d", r.code)
		}
	})
	if fake.calls != 0 {
		t.Fatalf("plugins called %d times without a session", fake.calls)
	}
	tests := []struct {
		page string
		code int
		want []string
	}{
		{"raw", 200, []string{"raw cpuser " + b.token + " /plugins/demo/raw"}},
		{"tmpl?q=%3Cb%3E", 200, []string{"<title>Fish &amp; chips · uapid</title>", `data-testid="account-name">cpuser<`,
			`<p id="n">1</p>`, `<p id="pl">demo</p>`, `<p id="q">&lt;b&gt;</p>`, `data-page="plugin"`}},
		{"write", 500, []string{"request id"}},
		{"chrome", 200, []string{"<title>" + pagehost.TitleMarker + " · uapid</title>", `data-testid="account-name">cpuser<`,
			`data-page="plugin"`, "<h1>" + pagehost.TitleMarker + "</h1>", `<p id="body">body</p>` + "\n</main>"}},
		{"missing", 404, []string{"There is no page at this address."}},
		{"teapot", 418, []string{"Short and stout."}},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			r := pluginDo(t, h, base+tt.page, b.cookie)
			if r.code != tt.code {
				t.Fatalf("%d, want %d\n%s", r.code, tt.code, r.body)
			}
			mustContain(t, r.body, tt.want...)
			if r.header.Get("Content-Security-Policy") == "" || r.header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("security headers missing: %v", r.header)
			}
		})
	}
	if r := pluginDo(t, h, "/"+b.token+"/tokens", b.cookie); r.code != http.StatusOK {
		t.Errorf("the UI's own page: %d", r.code)
	}
	if r := pluginDo(t, h, "/login/", ""); r.code != http.StatusOK {
		t.Errorf("login page: %d", r.code)
	}
}

// TestWithoutPlugins: WithPlugins(nil) is the plain UI, where plugin
// addresses are not found.
func TestWithoutPlugins(t *testing.T) {
	e := mustEnv(t)
	h := web.New(web.Config{}, e.eng, e.au, fixture.Logger(t)).WithPlugins(nil)
	b := e.login(t, "cpuser", passA)
	if r := pluginDo(t, h, "/"+b.token+"/plugins/demo/raw", b.cookie); r.code != http.StatusNotFound {
		t.Errorf("%d, want 404", r.code)
	}
}
