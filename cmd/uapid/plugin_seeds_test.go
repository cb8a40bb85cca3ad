package main

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// The seeds' LiveAPI PHP, LiveAPI Perl and Template Toolkit forms, as the
// plugin pages of examples/plugins (each the seed's snippet with the lines
// a page needs around it), run through a logged-in session.
var (
	killSessionPages = map[string]string{"PHP": "/plugins/ftp_sessions/kill_session.live.php",
		"Perl": "/plugins/ftp_sessions/kill_session.live.pl", "Template Toolkit": "/plugins/ftp_sessions/kill_session.html.tt"}
	deleteUserPages = map[string]string{"PHP": "/plugins/subaccounts/delete_user.live.php",
		"Perl": "/plugins/subaccounts/delete_user.live.pl", "Template Toolkit": "/plugins/subaccounts/delete_user.html.tt"}
)

// testSeedPages: kill_session login=weeones closes a live FTP session held
// by a real client, from each form; delete_user gives each of its three
// documented answers from PHP and Perl, and deletes from Template Toolkit.
func (s *server) testSeedPages(t *testing.T) {
	if _, _, code := s.runCmd(t, s.uapid, nil, "domain", "add", "demo", "example.com"); code != 0 {
		t.Fatal("domain add demo example.com failed")
	}
	sess, prefix := s.sessionLogin(t)
	call := func(fn string, q string) result { return getResult(t, sess, s.url+prefix+"/execute/"+fn+"?"+q, nil) }
	call("Ftp/add_ftp", "user=weeones&pass=wee-ones-pass1")
	call("Ftp/add_ftp", "user=other&pass=other-pass-11")
	for lang, page := range killSessionPages {
		t.Run("kill_session "+lang, func(t *testing.T) {
			skipWithout(t, lang)
			wee := s.mustFTPLogin(t, "weeones@demo.example", "wee-ones-pass1")
			other := s.mustFTPLogin(t, "other@demo.example", "other-pass-11")
			body := mustPage(t, sess, s.url+prefix+page)
			if lang != "Template Toolkit" {
				if r := pageResult(t, body); r.Status != 1 || string(r.Data) != "null" {
					t.Errorf("result %+v %s", r, r.Data)
				}
			} else if !strings.Contains(body, `<p id="left">1 FTP session left.</p>`) {
				t.Errorf("page:\n%s", body)
			}
			waitClosed(t, wee, lang+" kill_session login=weeones")
			stillOpen(t, other, lang+": another login")
		})
	}
	for _, lang := range []string{"PHP", "Perl"} {
		t.Run("delete_user "+lang, func(t *testing.T) {
			skipWithout(t, lang)
			s.testDeleteUserAnswers(t, sess, prefix, deleteUserPages[lang])
		})
	}
	t.Run("delete_user Template Toolkit", func(t *testing.T) {
		skipWithout(t, "Template Toolkit")
		if r := call("UserManager/create_user", "username=example1&domain=example.com&password=Example1-pass-x"); r.Status != 1 {
			t.Fatalf("create_user: %+v", r)
		}
		mustContain(t, mustPage(t, sess, s.url+prefix+deleteUserPages["Template Toolkit"]), "The Subaccount example1@example.com is deleted.")
		if r := call("UserManager/lookup_user", "guid=EXAMPLE1"); strings.Contains(string(r.Data), "example1@example.com") {
			t.Errorf("still there: %s", r.Data)
		}
		if r := call("UserManager/list_users", ""); strings.Contains(string(r.Data), `"full_username":"example1@example.com"`) {
			t.Errorf("the Subaccount is still listed: %s", r.Data)
		}
	})
}

// testDeleteUserAnswers makes each of delete_user's three documented
// situations and runs the page in it: nothing left (only metadata), one
// service account left (its data), two or more (a hypothetical
// Subaccount).
func (s *server) testDeleteUserAnswers(t *testing.T, sess *http.Client, prefix, page string) {
	call := func(fn string, q string) result {
		r := getResult(t, sess, s.url+prefix+"/execute/"+fn+"?"+q, nil)
		if r.Status != 1 {
			t.Fatalf("%s?%s: %+v", fn, q, r)
		}
		return r
	}
	services := []string{"Email/add_pop?email=example1&domain=example.com&password=Example1-pass-x&quota=0",
		"Ftp/add_ftp?user=example1&domain=example.com&pass=Example1-pass-x&quota=42"}
	cleanup := []string{"Email/delete_pop?email=example1&domain=example.com", "Ftp/delete_ftp?user=example1&domain=example.com"}
	for n, want := range []string{"", "service", "hypothetical"} {
		call("UserManager/create_user", "username=example1&domain=example.com&password=Example1-pass-x")
		for _, svc := range services[:n] {
			fn, q, _ := strings.Cut(svc, "?")
			call(fn, q)
		}
		r := pageResult(t, mustPage(t, sess, s.url+prefix+page))
		var data struct {
			Type, Username, Domain string
		}
		if r.Status != 1 {
			t.Fatalf("%d service accounts left: %+v", n, r)
		}
		if want == "" {
			if string(r.Data) != "null" {
				t.Errorf("nothing left: data %s, want only metadata", r.Data)
			}
		} else if err := json.Unmarshal(r.Data, &data); err != nil || data.Type != want || data.Username != "example1" || data.Domain != "example.com" {
			t.Errorf("%d service accounts left: data %s, want type %s", n, r.Data, want)
		}
		for _, c := range cleanup[:n] {
			fn, q, _ := strings.Cut(c, "?")
			call(fn, q)
		}
	}
}

// skipWithout skips a language whose interpreter is not installed.
func skipWithout(t *testing.T, lang string) {
	t.Helper()
	switch lang {
	case "PHP":
		if _, err := exec.LookPath("php-cgi"); err != nil {
			t.Skip("php-cgi is not installed (apt-get install php-cgi)")
		}
	case "Template Toolkit":
		if exec.Command("perl", "-MTemplate", "-e", "1").Run() != nil {
			t.Skip("Perl's Template Toolkit is not installed (apt-get install libtemplate-perl)")
		}
	}
}

// mustPage fetches a plugin page that must answer 200.
func mustPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%.2000s", u, resp.StatusCode, b)
	}
	return string(b)
}

// pageResult reads the UAPI result a seed page shows as JSON. (PHP writes
// an empty metadata hash as [], since its arrays are both.)
type seedResult struct {
	Status int             `json:"status"`
	Errors []string        `json:"errors"`
	Data   json.RawMessage `json:"data"`
}

func pageResult(t *testing.T, body string) seedResult {
	t.Helper()
	_, rest, ok := strings.Cut(body, `<pre id="result">`)
	raw, _, ok2 := strings.Cut(rest, "</pre>")
	var r seedResult
	if !ok || !ok2 {
		t.Fatalf("no result in the page:\n%s", body)
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(raw)), &r); err != nil {
		t.Fatalf("result %q: %v", raw, err)
	}
	return r
}

func mustContain(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("missing %q in:\n%s", w, body)
		}
	}
}

// TestSeedPagesAreTheSeeds checks that each example page holds its seed's
// snippet as cPanel's documentation shows it (../shared/seeds beside the
// clone): the same text once spaces are ignored, and "=" and "," too,
// which the kill_session page lost in rendering.
func TestSeedPagesAreTheSeeds(t *testing.T) {
	seeds, err := filepath.Glob("../../../shared/seeds/*.txt")
	if err != nil || len(seeds) == 0 {
		t.Skip("no ../shared/seeds beside the clone")
	}
	var all strings.Builder
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	seedText := normalizeSnippet(all.String())
	for _, page := range []string{"ftp_sessions/kill_session.live.php", "ftp_sessions/kill_session.live.pl",
		"ftp_sessions/kill_session.html.tt", "subaccounts/delete_user.live.php", "subaccounts/delete_user.live.pl",
		"subaccounts/delete_user.html.tt"} {
		t.Run(page, func(t *testing.T) {
			b, err := os.ReadFile("../../examples/plugins/" + page)
			if err != nil {
				t.Fatal(err)
			}
			snippet := seedSnippet(string(b))
			if len(snippet) < 40 || !strings.Contains(seedText, normalizeSnippet(snippet)) {
				t.Errorf("the page's snippet is not the seed's:\n%s", snippet)
			}
		})
	}
}

// seedSnippet is the part of a page taken from the seed: from the
// connection (or the HTML comment, in Template Toolkit) to the end of the
// call.
func seedSnippet(page string) string {
	lines := strings.Split(page, "\n")
	start, end := -1, -1
	for i, l := range lines {
		switch {
		case start < 0 && (strings.HasPrefix(l, "$cpanel = new CPANEL()") || strings.HasPrefix(l, "my $cpliveapi = Cpanel::LiveAPI->new()") ||
			strings.HasPrefix(l, "<!--")):
			start = i
		case start >= 0 && (strings.HasPrefix(l, ");") || strings.Contains(l, "execute(")):
			end = i
		}
		if end >= 0 {
			break
		}
	}
	if start < 0 || end < 0 {
		return ""
	}
	return strings.Join(lines[start:end+1], "\n")
}

func normalizeSnippet(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '=' || r == ',' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
}

// mustPublicCopy copies a folder of plugins to where the sandbox user can
// read it whatever the clone's own path allows (a clone under /root is
// not). os.CopyFS makes directories 0777 and files 0666 (plus their
// execute bits) less the umask.
func mustPublicCopy(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "plugins")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Dir(filepath.Dir(dst)), filepath.Dir(dst)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}
