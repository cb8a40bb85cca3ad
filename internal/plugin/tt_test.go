package plugin_test

import (
	"context"
	"net/http"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/pagehost"
	"github.com/uapid/uapid/internal/plugin"
	"github.com/uapid/uapid/internal/uapi"
)

// ttPage uses what cPanel's Template Toolkit guide documents: execute in
// both seed forms (a function that changes something included), the
// result hash, the master wrapper, locale.maketext and CPANEL values.
const ttPage = `[% WRAPPER '_assets/master.html.tt' page_title = 'Tokens & TT' -%]
<!-- Create a token. -->
[% execute('Tokens', 'create_full_access', { 'name' => 'from-tt' } ) %]
[% execute( 'Tokens', 'create_full_access', { 'name' => 'also-tt' } ); %]
[% SET r = execute('Tokens', 'list', { 'api.sort_column' => 'name' }) -%]
<ul id="tokens">[% FOREACH t IN r.data %]<li>[% t.name %]</li>[% END %]</ul>
<p id="status">[% r.status %] [% r.errors.size || 0 %] [% r.metadata.transformed %]</p>
[% SET bad = execute('Tokens', 'rename', { 'name' => 'nope', 'new_name' => 'x' }) -%]
<p id="bad">[% bad.status %] [% bad.errors.0 | html %]</p>
<p id="say">[% locale.maketext('[_1] has [quant,_2,token,tokens].', CPANEL.user, r.data.size) %]</p>
<p id="cpanel">[% CPANEL.user %] [% CPANEL.CPDATA.DNS %] [% CPANEL.ENV.cp_security_token %] [% FORM.q | html %]</p>
[% END %]
`

// TestTemplateToolkitPage renders a Template Toolkit page with the real
// Template Toolkit: execute runs any function for the session's account
// and returns the result hash; the page sits in the UI's chrome.
func TestTemplateToolkitPage(t *testing.T) {
	if err := exec.Command("perl", "-MTemplate", "-e", "1").Run(); err != nil {
		t.Skip("Perl's Template Toolkit is not installed (apt-get install libtemplate-perl)")
	}
	dir := mustPluginDir(t, map[string]string{
		"tt/index.html.tt": ttPage,
		"tt/broken.tt":     "[% IF %]",
	})
	e := mustEnv(t, plugin.Config{Dir: dir})
	b := e.login(t, "cpuser", passA)
	for _, page := range []string{"index.html.tt", "index.html"} {
		t.Run(page, func(t *testing.T) {
			body := b.mustGet(t, "/plugins/tt/"+page+"?q=%3Cq%3E")
			mustContain(t, body, `<ul id="tokens"><li>alpha</li><li>also-tt</li><li>from-tt</li></ul>`,
				`<p id="status">1 0 1</p>`, `<p id="bad">0 `, `<p id="say">cpuser has 3 tokens.</p>`,
				`<p id="cpanel">cpuser example.com /`+b.token+` &lt;q&gt;</p>`,
				"<title>Tokens &amp; TT · uapid</title>", `data-testid="account-name">cpuser<`, "</main>\n</body>")
			mustNotContain(t, body, "HASH(", "bravo", pagehost.TitleMarker)
		})
	}
	r := e.eng.Execute(context.Background(), uapi.Request{Account: e.b, Module: "Tokens", Function: "list"})
	if n := reflect.ValueOf(r.Data).Len(); n != 1 {
		t.Errorf("the other account has %d tokens, want 1", n)
	}
	if r := b.do(t, http.MethodGet, "/plugins/tt/broken.tt", nil); r.code != http.StatusInternalServerError ||
		!strings.Contains(r.body, "request id") {
		t.Errorf("broken template: %d\n%s", r.code, r.body)
	}
}

// TestTemplateToolkitOff: Template Toolkit pages run code, so they are
// refused with executable pages turned off.
func TestTemplateToolkitOff(t *testing.T) {
	dir := mustPluginDir(t, map[string]string{"tt/index.html.tt": ttPage})
	e := mustEnv(t, plugin.Config{Dir: dir, NoPrograms: true})
	if r := e.login(t, "cpuser", passA).do(t, http.MethodGet, "/plugins/tt/index.html.tt", nil); r.code != http.StatusForbidden {
		t.Errorf("%d, want 403", r.code)
	}
}
