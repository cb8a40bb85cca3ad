package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jlaffaye/ftp"
)

// whmResult is WHM API 1's answer.
type whmResult struct {
	Data     json.RawMessage `json:"data"`
	Metadata struct {
		Command string `json:"command"`
		Reason  string `json:"reason"`
		Result  int    `json:"result"`
		Version int    `json:"version"`
		Output  *struct {
			Raw string `json:"raw"`
		} `json:"output"`
	} `json:"metadata"`
}

// whmCall calls /json-api/FUNCTION on the WHM listener with an
// Authorization header (none when auth is empty) and returns the HTTP
// status and the decoded result.
func (s *server) whmCall(t *testing.T, auth, function string, params url.Values) (int, whmResult) {
	t.Helper()
	u := "https://" + s.main.Addr("whm").String() + "/json-api/" + function + "?api.version=1"
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(params.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r whmResult
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%s: HTTP %d body %q: %v", function, resp.StatusCode, b, err)
	}
	return resp.StatusCode, r
}

// whmOK calls a function with the operator token and fails unless it
// succeeds; it decodes data into out when out is not nil.
func (s *server) whmOK(t *testing.T, token, function string, params url.Values, out any) whmResult {
	t.Helper()
	status, r := s.whmCall(t, "whm root:"+token, function, params)
	if status != 200 || r.Metadata.Result != 1 || r.Metadata.Command != function || r.Metadata.Version != 1 {
		t.Fatalf("%s: HTTP %d %+v", function, status, r.Metadata)
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatalf("%s data %s: %v", function, r.Data, err)
		}
	}
	return r
}

type whmAcct struct {
	User          string `json:"user"`
	Domain        string `json:"domain"`
	Email         string `json:"email"`
	Plan          string `json:"plan"`
	DiskLimit     string `json:"disklimit"`
	DiskUsed      string `json:"diskused"`
	Suspended     int    `json:"suspended"`
	SuspendReason string `json:"suspendreason"`
}

// mustOperatorToken makes an operator token with the uapid command line.
func (s *server) mustOperatorToken(t *testing.T, name string) string {
	t.Helper()
	out, errOut, code := s.runCmd(t, s.uapid, nil, "token", "create", name)
	if code != 0 || len(strings.TrimSpace(out)) != 32 {
		t.Fatalf("token create: exit %d %q %s", code, out, errOut)
	}
	return strings.TrimSpace(out)
}

func TestWHM(t *testing.T) {
	s := mustServe(t)
	s.uapid = mustBuild(t, "github.com/uapid/uapid/cmd/uapid", t.TempDir())
	token := s.mustOperatorToken(t, "billing")
	t.Run("account lifecycle as a billing system drives it", func(t *testing.T) { s.testWHMLifecycle(t, token) })
	t.Run("missing and bad parameters", func(t *testing.T) { s.testWHMParams(t, token) })
	t.Run("packages", func(t *testing.T) { s.testWHMPackages(t, token) })
	t.Run("api tokens over WHM", func(t *testing.T) { s.testWHMTokens(t, token) })
	t.Run("the command line and WHM share one implementation", func(t *testing.T) { s.testWHMCommandLine(t, token) })
}

// TestWHMAuth runs on a server of its own: its failed attempts fill the
// shared limiter's count for 127.0.0.1.
func TestWHMAuth(t *testing.T) {
	s := mustServe(t)
	s.uapid = mustBuild(t, "github.com/uapid/uapid/cmd/uapid", t.TempDir())
	s.testWHMAuth(t, s.mustOperatorToken(t, "billing"))
}

func basic(user, pass string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(user, pass) }
}

func (s *server) testWHMLifecycle(t *testing.T, token string) {
	const user, domain, pass = "shop", "shop.example", "Shop-pass-123"
	r := s.whmOK(t, token, "createacct", url.Values{"username": {user}, "domain": {domain}, "password": {pass},
		"contactemail": {"owner@example.org"}, "quota": {"200"}}, nil)
	if r.Metadata.Reason != "Account Creation Ok" || r.Metadata.Output == nil || !strings.Contains(r.Metadata.Output.Raw, "UserName: shop") {
		t.Errorf("createacct metadata %+v", r.Metadata)
	}
	var list struct{ Acct []whmAcct }
	s.whmOK(t, token, "listaccts", url.Values{"search": {"^shop$"}, "searchtype": {"user"}}, &list)
	if len(list.Acct) != 1 || list.Acct[0] != (whmAcct{User: user, Domain: domain, Email: "owner@example.org", Plan: "default",
		DiskLimit: "200M", DiskUsed: "0M", SuspendReason: "not suspended"}) {
		t.Fatalf("listaccts = %+v", list.Acct)
	}
	var sum struct{ Acct []whmAcct }
	s.whmOK(t, token, "accountsummary", url.Values{"domain": {domain}}, &sum)
	if len(sum.Acct) != 1 || sum.Acct[0].User != user {
		t.Fatalf("accountsummary = %+v", sum.Acct)
	}
	// The account works: its API, a service account of each kind, FTP.
	for _, call := range []string{"/execute/Ftp/add_ftp?user=up&pass=Up-pass-123&quota=0",
		"/execute/Email/add_pop?email=sales&password=Sales-pass-123",
		"/execute/WebDisk/add_user?user=disk&password=Disk-pass-123&perms=rw"} {
		if resp, res := s.get(t, call, basic(user, pass)); resp.StatusCode != 200 || res.Status != 1 {
			t.Fatalf("%s: HTTP %d %+v", call, resp.StatusCode, res)
		}
	}
	mailFile := filepath.Join(s.env["UAPID_DATA_DIR"], "mail", "passwd.d", domain)
	if b, err := os.ReadFile(mailFile); err != nil || !strings.Contains(string(b), "sales@"+domain) {
		t.Fatalf("Dovecot entries: %q %v", b, err)
	}
	live := s.mustFTPLogin(t, "up@"+domain, "Up-pass-123")
	webClient, prefix := s.loginAs(t, user, pass)

	s.whmOK(t, token, "suspendacct", url.Values{"user": {user}, "reason": {"Nonpayment"}}, nil)
	waitClosed(t, live, "suspendacct")
	if resp, _ := s.get(t, "/execute/Ftp/list_ftp", basic(user, pass)); resp.StatusCode != 403 {
		t.Errorf("suspended account's API call: HTTP %d, want 403", resp.StatusCode)
	}
	if resp, err := webClient.Get(s.url + prefix + "/execute/Ftp/list_ftp"); err != nil || resp.StatusCode == 200 {
		t.Errorf("suspended account's web session still works: %v %v", resp, err)
	}
	if c, err := ftp.Dial(s.main.Addr("ftp").String()); err == nil {
		if err := c.Login("up@"+domain, "Up-pass-123"); err == nil {
			t.Error("a suspended account's FTP login succeeded")
		}
		_ = c.Quit()
	}
	if resp, err := webClient.PostForm(s.url+"/login/?login_only=1", url.Values{"user": {user}, "pass": {pass}}); err != nil || resp.StatusCode == 200 {
		t.Errorf("a suspended account could log in: %v %v", resp, err)
	}
	s.whmOK(t, token, "listaccts", url.Values{"search": {user}, "searchtype": {"user"}, "searchmethod": {"exact"}}, &list)
	if len(list.Acct) != 1 || list.Acct[0].Suspended != 1 || list.Acct[0].SuspendReason != "Nonpayment" {
		t.Fatalf("listaccts after suspend = %+v", list.Acct)
	}

	s.whmOK(t, token, "unsuspendacct", url.Values{"user": {user}}, nil)
	if resp, res := s.get(t, "/execute/Ftp/list_ftp", basic(user, pass)); resp.StatusCode != 200 || res.Status != 1 {
		t.Fatalf("after unsuspendacct: HTTP %d", resp.StatusCode)
	}

	const newPass = "Shop-pass-456"
	var pw struct{ App []string }
	if r := s.whmOK(t, token, "passwd", url.Values{"user": {user}, "password": {newPass}}, &pw); !strings.Contains(r.Metadata.Reason, "Password changed") {
		t.Errorf("passwd reason %q", r.Metadata.Reason)
	}
	if resp, _ := s.get(t, "/execute/Ftp/list_ftp", basic(user, pass)); resp.StatusCode != 401 {
		t.Errorf("old password after passwd: HTTP %d, want 401", resp.StatusCode)
	}
	if resp, _ := s.get(t, "/execute/Ftp/list_ftp", basic(user, newPass)); resp.StatusCode != 200 {
		t.Errorf("new password after passwd: HTTP %d, want 200", resp.StatusCode)
	}

	s.testWHMUserSession(t, token, user)

	s.whmOK(t, token, "removeacct", url.Values{"username": {user}}, nil)
	if _, err := os.Stat(filepath.Join(s.env["UAPID_DATA_DIR"], "home", user)); !os.IsNotExist(err) {
		t.Errorf("home after removeacct: %v", err)
	}
	if b, err := os.ReadFile(mailFile); strings.Contains(string(b), "sales@") || (err != nil && !os.IsNotExist(err)) {
		t.Errorf("Dovecot entries after removeacct: %q %v", b, err)
	}
	if c, err := ftp.Dial(s.main.Addr("ftp").String()); err == nil {
		if err := c.Login("up@"+domain, "Up-pass-123"); err == nil {
			t.Error("an FTP login of a removed account succeeded")
		}
		_ = c.Quit()
	}
	if resp := s.webDiskStatus(t, "disk@"+domain, "Disk-pass-123"); resp != 401 {
		t.Errorf("Web Disk login of a removed account: HTTP %d, want 401", resp)
	}
	if _, r := s.whmCall(t, "whm root:"+token, "accountsummary", url.Values{"user": {user}}); r.Metadata.Result != 0 {
		t.Errorf("accountsummary of a removed account: %+v", r.Metadata)
	}
}

// testWHMUserSession follows create_user_session's URL as a browser does,
// then uses the session; the URL works once.
func (s *server) testWHMUserSession(t *testing.T, token, user string) {
	var d struct {
		URL             string `json:"url"`
		CPSecurityToken string `json:"cp_security_token"`
		Service         string `json:"service"`
		Expires         int64  `json:"expires"`
	}
	s.whmOK(t, token, "create_user_session", url.Values{"user": {user}, "service": {"cpaneld"}}, &d)
	if !strings.Contains(d.URL, d.CPSecurityToken+"/login/?session="+user+"%3A") || d.Service != "cpaneld" || d.Expires == 0 {
		t.Fatalf("create_user_session = %+v", d)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: s.http.Transport}
	resp, err := browser.Get(d.URL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("login URL: %v %v", resp, err)
	}
	resp.Body.Close()
	base := strings.SplitN(d.URL, d.CPSecurityToken, 2)[0]
	resp, err = browser.Get(base + d.CPSecurityToken + "/execute/Ftp/list_ftp")
	if err != nil {
		t.Fatal(err)
	}
	var res result
	_ = json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if resp.StatusCode != 200 || res.Status != 1 {
		t.Fatalf("list_ftp in the new session: HTTP %d %+v", resp.StatusCode, res)
	}
	jar2, _ := cookiejar.New(nil)
	again := &http.Client{Jar: jar2, Transport: s.http.Transport}
	if resp, err := again.Get(d.URL); err != nil || resp.StatusCode != 401 {
		t.Errorf("second use of the login URL: %v %v, want 401", resp, err)
	}
}

// loginAs opens a web session for user and returns its client and prefix.
func (s *server) loginAs(t *testing.T, user, pass string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: s.http.Transport}
	resp, err := c.PostForm(s.url+"/login/?login_only=1", url.Values{"user": {user}, "pass": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Status        int    `json:"status"`
		SecurityToken string `json:"security_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || r.Status != 1 {
		t.Fatalf("login %s: %v %+v", user, err, r)
	}
	return c, r.SecurityToken
}

// webDiskStatus answers the HTTP status of a Web Disk PROPFIND with Basic.
func (s *server) webDiskStatus(t *testing.T, user, pass string) int {
	t.Helper()
	req, _ := http.NewRequest("PROPFIND", "https://"+s.main.Addr("webdav").String()+"/", nil)
	req.Header.Set("Depth", "0")
	req.SetBasicAuth(user, pass)
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
