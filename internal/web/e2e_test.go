package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/httpapi"
)

// TestThroughHTTPAPI mounts the UI behind the HTTP API as cmd/uapid does
// and walks a browser through it: the login form's POST is the API's, its
// redirect lands on the UI, and a token created on a page works for the API.
func TestThroughHTTPAPI(t *testing.T) {
	e := mustEnv(t)
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Web: e.h}, e.eng, e.au, fixture.Logger(t), nil).Handler())
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}

	home := mustFetch(t, c, "POST", srv.URL+"/login/", url.Values{"user": {"cpuser"}, "pass": {passA}})
	if !regexp.MustCompile(`/cpsess\d{10}/$`).MatchString(home.url) {
		t.Fatalf("login landed on %s", home.url)
	}
	mustContain(t, home.body, `data-testid="home-account">cpuser<`)
	base := strings.TrimSuffix(home.url, "/")

	created := mustFetch(t, c, "POST", base+"/tokens/create", url.Values{"name": {"from-web"}})
	m := tokenRE.FindStringSubmatch(created.body)
	if m == nil {
		t.Fatalf("no token:\n%s", created.body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/execute/Tokens/list", nil)
	req.Header.Set("Authorization", "cpanel cpuser:"+m[1])
	api := mustDo(t, http.DefaultClient, req)
	mustContain(t, api.body, `"name":"from-web"`, `"status":1`)

	// /cpsessN/execute/… stays the API's, in the same session.
	mustContain(t, mustFetch(t, c, "GET", base+"/execute/Tokens/list", nil).body, `"name":"from-web"`)

	mustFetch(t, c, "GET", srv.URL+"/logout/", nil)
	after := mustFetch(t, c, "GET", base+"/tokens", nil)
	if !strings.HasSuffix(after.url, "/login/?goto_uri=%2Ftokens") {
		t.Errorf("after logout: %s", after.url)
	}
	mustContain(t, after.body, `id="login-form"`)
}

type fetched struct {
	url, body string
}

func mustFetch(tb testing.TB, c *http.Client, method, u string, form url.Values) fetched {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return mustDo(tb, c, req)
}

func mustDo(tb testing.TB, c *http.Client, req *http.Request) fetched {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("%s %s: %d\n%s", req.Method, req.URL, resp.StatusCode, b)
	}
	return fetched{url: resp.Request.URL.String(), body: string(b)}
}
