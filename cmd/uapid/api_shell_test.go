package main

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// apiShellForms are the forms the API Shell writes a call in, each with how
// this test runs it and the plugin page (if any) that holds it.
var apiShellForms = []struct {
	id, lang, page string
	wrap           func(code string) string
}{
	{id: "url"},
	{id: "cli"},
	{id: "php", lang: "PHP", page: "form.live.php", wrap: func(code string) string {
		return "<?php\ninclude(\"/usr/local/cpanel/php/cpanel.php\");\n" + code + "\n" +
			"$cpanel->header('API Shell form');\n" +
			"echo '<pre id=\"result\">', htmlspecialchars(json_encode($result['cpanelresult']['result'])), \"</pre>\\n\";\n" +
			"$cpanel->footer();\n$cpanel->end();\n"
	}},
	{id: "perl", lang: "Perl", page: "form.live.pl", wrap: func(code string) string {
		return "#!/usr/bin/perl\nuse strict;\nuse warnings;\nuse Cpanel::LiveAPI ();\nuse JSON::PP ();\n\n" + code + "\n\n" +
			"my $json = JSON::PP->new->canonical->encode( $result->{cpanelresult}{result} );\n" +
			"$json =~ s/&/&amp;/g;\n$json =~ s/</&lt;/g;\n$json =~ s/>/&gt;/g;\n" +
			"print \"Content-Type: text/html; charset=utf-8\\r\\n\\r\\n\";\n" +
			"print qq{<pre id=\"result\">$json</pre>\\n};\n$cpliveapi->end();\n"
	}},
	{id: "tt", lang: "Template Toolkit", page: "form.html.tt", wrap: func(code string) string { return code + "\n" }},
}

// TestAPIShellFormsRun takes the five forms the API Shell writes for
// Tokens::create_full_access and runs each as written: the session URL with
// the session's cookie, the command line through a shell, and the PHP, Perl
// and Template Toolkit code as plugin pages with only the lines a page needs
// around them. Each form must create its token.
func TestAPIShellFormsRun(t *testing.T) {
	pages := t.TempDir()
	// Plugin pages run as the plugin user when uapid is root: it must be
	// able to read them.
	for _, d := range []string{filepath.Dir(pages), pages} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := mustServe(t, func(m *Main) { m.Config.PluginDir = pages })
	s.uapi = mustBuild(t, "github.com/uapid/uapid/cmd/uapi", t.TempDir())
	sess, prefix := s.sessionLogin(t)
	for _, f := range apiShellForms {
		t.Run(f.id, func(t *testing.T) {
			if f.lang != "" {
				skipWithout(t, f.lang)
			}
			// A token of the form's own name is created.
			name := "from_shell_" + f.id
			s.runShellForm(t, sess, prefix, pages, f.id, url.Values{"module": {"Tokens"},
				"function": {"create_full_access"}, "arg-name": {name}})
			if list := getResult(t, sess, s.url+prefix+"/execute/Tokens/list", nil); !strings.Contains(string(list.Data), `"name":"`+name+`"`) {
				t.Errorf("the %s form did not create %s: %s", f.id, name, list.Data)
			}
			// Text with every quoting hazard arrives exactly.
			msg := f.id + ` it's a \ "test" & <b>$HOME</b> %40 50% [% x %] ?> ` + "`id`\nline 2"
			s.runShellForm(t, sess, prefix, pages, f.id, url.Values{"module": {"Ftp"},
				"function": {"set_welcome_message"}, "arg-message": {msg}})
			var got string
			if r := getResult(t, sess, s.url+prefix+"/execute/Ftp/get_welcome_message", nil); json.Unmarshal(r.Data, &got) != nil || got != msg {
				t.Errorf("the %s form set the welcome message to %s, want %q", f.id, r.Data, msg)
			}
		})
	}
}

// runShellForm gets one of the API Shell's forms of a call and runs it as
// written: the session URL with the session's cookie, the command line
// through /bin/sh, PHP, Perl and Template Toolkit as plugin pages.
func (s *server) runShellForm(t *testing.T, sess *http.Client, prefix, pages, id string, form url.Values) {
	t.Helper()
	code := s.shellSnippet(t, sess, prefix, id, form)
	switch id {
	case "url":
		if !strings.HasPrefix(code, s.url+prefix+"/execute/") {
			t.Fatalf("session URL %q is not this server's", code)
		}
		if r := getResult(t, sess, code, nil); r.Status != 1 {
			t.Fatalf("GET %s: %+v", code, r)
		}
	case "cli":
		line := strings.Replace(code, "uapi ", s.uapi+" ", 1)
		if out, errOut, rc := s.runCmd(t, "/bin/sh", nil, "-c", line); rc != 0 || !strings.Contains(out, "status: 1") {
			t.Fatalf("%s: exit %d\n%s\n%s", code, rc, out, errOut)
		}
	default:
		var f = apiShellForms[0]
		for _, g := range apiShellForms {
			if g.id == id {
				f = g
			}
		}
		if err := os.MkdirAll(filepath.Join(pages, "shell"), 0o755); err != nil {
			t.Fatal(err)
		}
		// Not executable: an executable file would be run as a CGI program.
		if err := os.WriteFile(filepath.Join(pages, "shell", f.page), []byte(f.wrap(code)), 0o644); err != nil {
			t.Fatal(err)
		}
		body := mustPage(t, sess, s.url+prefix+"/plugins/shell/"+f.page)
		if id != "tt" {
			if r := pageResult(t, body); r.Status != 1 {
				t.Fatalf("page result %+v", r)
			}
		}
	}
}

// shellSnippet posts the API Shell's form and returns one of the forms it
// shows (the confirmation page shows them before anything runs).
func (s *server) shellSnippet(t *testing.T, c *http.Client, prefix, id string, form url.Values) string {
	t.Helper()
	resp, err := c.PostForm(s.url+prefix+"/api_shell", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="shell-confirm"`) {
		t.Fatalf("POST api_shell: %d\n%.2000s", resp.StatusCode, body)
	}
	_, fig, ok := strings.Cut(body, `data-testid="snippet-`+id+`"`)
	_, code, ok2 := strings.Cut(fig, "<code")
	_, code, ok3 := strings.Cut(code, ">")
	code, _, ok4 := strings.Cut(code, "</code>")
	if !ok || !ok2 || !ok3 || !ok4 {
		t.Fatalf("no %s form in the page", id)
	}
	return html.UnescapeString(code)
}
