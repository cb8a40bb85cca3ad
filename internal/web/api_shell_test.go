package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"strings"
	"testing"
)

// snippetCode returns the code of one of the API Shell's five forms,
// unescaped as a browser shows it.
func snippetCode(tb testing.TB, body, id string) string {
	tb.Helper()
	fig := between(body, `data-testid="snippet-`+id+`"`, "</code>")
	_, code, ok := strings.Cut(fig, "<code")
	if !ok {
		tb.Fatalf("no snippet %s in:\n%s", id, body)
	}
	_, code, _ = strings.Cut(code, ">")
	return html.UnescapeString(strings.TrimSuffix(code, "</code>"))
}

// shellJSON returns the result the API Shell shows, decoded.
func shellJSON(tb testing.TB, body string) map[string]any {
	tb.Helper()
	pre := between(body, `data-testid="shell-json">`, "</pre>")
	text := html.UnescapeString(strings.TrimSuffix(strings.TrimPrefix(pre, `data-testid="shell-json">`), "</pre>"))
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		tb.Fatalf("the shown result is not JSON: %v\n%s", err, text)
	}
	return out
}

func TestAPIShellChooses(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/api_shell")
	mustContain(t, page, `id="breadcrumb"`, "Advanced", `<optgroup label="UserManager">`,
		`<option value="Ftp::kill_session">`, `<option value="Tokens::list">`)
	mustNotContain(t, page, `data-testid="shell-function"`, `data-testid="snippet-cli"`)
	mustContain(t, b.mustPage(t, "/"), `id="home-api-shell"`, `id="nav-api_shell"`)

	for _, q := range []string{"?module=Ftp&function=kill_session", "?call=Ftp::kill_session"} {
		page = b.mustPage(t, "/api_shell"+q)
		mustContain(t, page, `<option value="Ftp::kill_session" selected>`, `id="shell-title">Ftp::kill_session<`,
			`data-readonly="0"`, `data-testid="shell-param-login"`, `placeholder="all"`, "default all")
		if got := snippetCode(t, page, "cli"); got != "uapi --user=cpuser Ftp kill_session" {
			t.Errorf("%s: command line %q", q, got)
		}
	}
	page = b.mustPage(t, "/api_shell?module=Tokens&function=list")
	mustContain(t, page, `data-readonly="1"`, "Only reads: it changes nothing.", "No parameters.")
	mustContain(t, b.mustPage(t, "/api_shell?module=Nope&function=x"), `data-testid="shell-unknown"`, "There is no function “Nope::x”.")
}

func TestAPIShellRunsAReadAtOnce(t *testing.T) {
	e := mustEnv(t)
	e.mustCall(t, e.a, "Tokens", "create_full_access", "name=listed")
	b := e.login(t, "cpuser", passA)
	r := b.post(t, "/api_shell", "module=Tokens", "function=list", "extra=api.columns_1=name")
	if r.code != http.StatusOK {
		t.Fatalf("POST: %d\n%s", r.code, r.body)
	}
	mustNotContain(t, r.body, `data-testid="shell-confirm"`)
	mustContain(t, r.body, `data-testid="shell-result" data-status="1"`, `data-testid="shell-elapsed"`)
	got := shellJSON(t, r.body)
	data, _ := json.Marshal(got["data"])
	if got["status"] != 1.0 || string(data) != `[{"name":"listed"}]` {
		t.Errorf("result %v", got)
	}
	if want := "uapi --user=cpuser Tokens list api.columns_1=name"; snippetCode(t, r.body, "cli") != want {
		t.Errorf("command line %q, want %q", snippetCode(t, r.body, "cli"), want)
	}
}

func TestAPIShellConfirmsAChange(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	form := []string{"module=Tokens", "function=create_full_access", "arg-name=from-shell", "arg-expires_at="}
	r := b.post(t, "/api_shell", form...)
	mustContain(t, r.body, `data-testid="shell-confirm"`, "Run Tokens::create_full_access?",
		`<input type="hidden" name="arg-name" value="from-shell">`)
	mustNotContain(t, r.body, `data-testid="shell-result"`)
	if n := len(mustList(t, e.mustCall(t, e.a, "Tokens", "list"))); n != 0 {
		t.Fatalf("the change ran before it was confirmed: %d tokens", n)
	}
	r = b.post(t, "/api_shell", append(form, "confirm=1")...)
	got := shellJSON(t, r.body)
	token, _ := got["data"].(map[string]any)["token"].(string)
	if got["status"] != 1.0 || len(token) != 32 {
		t.Fatalf("result %v", got)
	}
	if list := mustList(t, e.mustCall(t, e.a, "Tokens", "list")); len(list) != 1 || list[0]["name"] != "from-shell" {
		t.Errorf("tokens after confirm: %v", list)
	}
	// A failing call shows its errors in the result, status 0.
	r = b.post(t, "/api_shell", append(form, "confirm=1")...)
	if got := shellJSON(t, r.body); got["status"] != 0.0 || !strings.Contains(r.body, "already exists") {
		t.Errorf("duplicate: %v", got)
	}
}

// TestAPIShellWritesTheSeedForms checks the five forms against the seed's
// Ftp::kill_session example, and that awkward values survive each quoting.
func TestAPIShellWritesTheSeedForms(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	r := b.post(t, "/api_shell", "module=Ftp", "function=kill_session", "arg-login=weeones")
	want := map[string]string{
		"url": "http://example.com/" + b.token + "/execute/Ftp/kill_session?login=weeones",
		"cli": "uapi --user=cpuser Ftp kill_session login=weeones",
		"php": "$cpanel = new CPANEL(); // Connect to cPanel - only do this once.\n\n" +
			"// Close FTP sessions: all, one login's, or one session by its pid.\n" +
			"$result = $cpanel->uapi(\n    'Ftp', 'kill_session',\n    array(\n        'login' => 'weeones',\n    )\n);",
		"perl": "my $cpliveapi = Cpanel::LiveAPI->new(); # Connect to cPanel - only do this once.\n\n" +
			"# Close FTP sessions: all, one login's, or one session by its pid.\n" +
			"my $result = $cpliveapi->uapi(\n    'Ftp', 'kill_session',\n    {\n        'login' => 'weeones',\n    }\n);",
		"tt": "<!-- Close FTP sessions: all, one login's, or one session by its pid. -->\n" +
			"[% execute('Ftp', 'kill_session', { 'login' => 'weeones' }) %]",
	}
	for id, w := range want {
		if got := snippetCode(t, r.body, id); got != w {
			t.Errorf("%s:\n got %q\nwant %q", id, got, w)
		}
	}

	r = b.post(t, "/api_shell", "module=Ftp", "function=kill_session", `arg-login=o'k\ a@b&c`)
	mustContain(t, r.body, `data-testid="shell-confirm"`)
	for id, w := range map[string]string{
		"url": "/execute/Ftp/kill_session?login=o%27k%5C%20a%40b%26c",
		"cli": "login=o%27k%5C%20a%40b%26c",
		"php": `'login' => 'o\'k\\ a@b&c',`,
		"tt":  `{ 'login' => 'o\'k\\ a@b&c' }`,
	} {
		if got := snippetCode(t, r.body, id); !strings.Contains(got, w) {
			t.Errorf("%s: %q lacks %q", id, got, w)
		}
	}
}

func TestAPIShellForm(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	page := b.mustPage(t, "/api_shell?module=Ftp&function=add_ftp")
	mustContain(t, page,
		`<label for="shell-arg-user">user <span class="req" title="required">*</span></label>`,
		`<select id="shell-arg-disallowdot" name="arg-disallowdot">`, "(default: 1)",
		`list="shell-domains"`, `<option value="example.net">`, "MB quota, default 0")
	// A required parameter that may be empty is sent empty; other blank
	// fields are left out so the function's defaults apply.
	r := b.post(t, "/api_shell", "module=Ftp", "function=set_welcome_message", "arg-message=")
	if got := snippetCode(t, r.body, "cli"); got != "uapi --user=cpuser Ftp set_welcome_message message=" {
		t.Errorf("empty message: %q", got)
	}
	r = b.post(t, "/api_shell", "module=Ftp", "function=list_ftp", "arg-include_acct_types=", "extra=no equals sign")
	mustContain(t, r.body, `data-testid="form-errors"`, "Line 1 of the other arguments is not key=value.")
	mustNotContain(t, r.body, `data-testid="shell-result"`)
	r = b.post(t, "/api_shell", "module=Nope", "function=x")
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, "There is no function “Nope::x”.") {
		t.Errorf("unknown function: %d", r.code)
	}
}

// TestAPIShellNeedsTheSession: the run is guarded like every action.
func TestAPIShellNeedsTheSession(t *testing.T) {
	e := mustEnv(t)
	b := e.login(t, "cpuser", passA)
	other := e.login(t, "other", passB)
	r := e.do(t, http.MethodPost, "/"+other.token+"/api_shell", b.cookie, nil)
	if r.code != http.StatusForbidden {
		t.Errorf("another session's token: %d", r.code)
	}
	if r := e.do(t, http.MethodPost, "/"+b.token+"/api_shell", "", nil); r.code != http.StatusSeeOther {
		t.Errorf("no cookie: %d", r.code)
	}
	// The shell runs as the session's account: other's call lists only its own tokens.
	e.mustCall(t, e.a, "Tokens", "create_full_access", "name=cpusers-token")
	r = other.post(t, "/api_shell", "module=Tokens", "function=list")
	if got := shellJSON(t, r.body); strings.Contains(r.body, "cpusers-token") || got["status"] != 1.0 {
		t.Errorf("other's shell saw cpuser's token: %v", got)
	}
}
