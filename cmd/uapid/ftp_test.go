package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// mustFTPLogin logs a real FTP client in to the daemon's FTP server.
func (s *server) mustFTPLogin(t *testing.T, user, pass string) *ftp.ServerConn {
	t.Helper()
	c, err := ftp.Dial(s.main.Addr("ftp").String(), ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(user, pass); err != nil {
		t.Fatalf("ftp login %s: %v", user, err)
	}
	t.Cleanup(func() { _ = c.Quit() })
	return c
}

// waitClosed polls until the FTP server has closed the client's control
// connection (a NOOP then fails), or fails the test after a deadline.
func waitClosed(t *testing.T, c *ftp.ServerConn, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := c.NoOp(); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: the FTP connection is still open", what)
}

func stillOpen(t *testing.T, c *ftp.ServerConn, what string) {
	t.Helper()
	if err := c.NoOp(); err != nil {
		t.Fatalf("%s: the connection was closed: %v", what, err)
	}
}

// sessionLogin logs in to the HTTPS API and returns a client with the
// session cookie and the /cpsessN prefix.
func (s *server) sessionLogin(t *testing.T) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: s.http.Transport}
	resp, err := c.PostForm(s.url+"/login/?login_only=1", url.Values{"user": {"demo"}, "pass": {s.demo.Password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var login struct {
		SecurityToken string `json:"security_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&login); err != nil || login.SecurityToken == "" {
		t.Fatalf("login: %v", err)
	}
	return c, login.SecurityToken
}

func getResult(t *testing.T, c *http.Client, u string, set func(*http.Request)) result {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if set != nil {
		set(req)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("HTTP %d %q: %v", resp.StatusCode, b, err)
	}
	return r
}

// testKillSessionSeed drives the first seed, Ftp::kill_session, through the
// cpsess session URL (login=weeones and login=all), the Basic /execute form
// and the uapi command line, against real FTP sessions.
func (s *server) testKillSessionSeed(t *testing.T) {
	out, errOut, code := s.runCmd(t, s.uapi, nil, "--user=demo", "Ftp", "add_ftp", "user=weeones", "pass=wee-ones-pass1", "quota=50")
	if code != 0 {
		t.Fatalf("add_ftp: exit %d\n%s%s", code, out, errOut)
	}
	_, _, _ = s.runCmd(t, s.uapi, nil, "--user=demo", "Ftp", "add_ftp", "user=other", "pass=other-pass-11")
	sess, prefix := s.sessionLogin(t)
	execURL := s.url + prefix + "/execute/Ftp/"

	wee := s.mustFTPLogin(t, "weeones@demo.example", "wee-ones-pass1")
	other := s.mustFTPLogin(t, "other@demo.example", "other-pass-11")
	r := getResult(t, sess, execURL+"list_sessions", nil)
	if r.Status != 1 || !strings.Contains(string(r.Data), `"user":"weeones@demo.example"`) || !strings.Contains(string(r.Data), `"status":"IDLE"`) {
		t.Fatalf("list_sessions: %+v %s", r, r.Data)
	}
	if r = getResult(t, sess, execURL+"kill_session?login=weeones", nil); r.Status != 1 || string(r.Data) != "null" {
		t.Fatalf("kill_session login=weeones: %+v", r)
	}
	waitClosed(t, wee, "session URL login=weeones")
	stillOpen(t, other, "another login after killing weeones")

	wee = s.mustFTPLogin(t, "weeones@demo.example", "wee-ones-pass1")
	basic := func(q *http.Request) { q.SetBasicAuth("demo", s.demo.Password) }
	if r = getResult(t, s.http, s.url+"/execute/Ftp/kill_session?login=weeones%40demo.example", basic); r.Status != 1 {
		t.Fatalf("Basic kill_session: %+v", r)
	}
	waitClosed(t, wee, "Basic /execute login=weeones@demo.example")

	wee = s.mustFTPLogin(t, "weeones@demo.example", "wee-ones-pass1")
	if out, errOut, code = s.runCmd(t, s.uapi, nil, "--user=demo", "Ftp", "kill_session", "login=weeones"); code != 0 {
		t.Fatalf("uapi kill_session: exit %d\n%s%s", code, out, errOut)
	}
	waitClosed(t, wee, "uapi --user=demo Ftp kill_session login=weeones")

	wee = s.mustFTPLogin(t, "weeones@demo.example", "wee-ones-pass1")
	if r = getResult(t, sess, execURL+"kill_session?login=all", nil); r.Status != 1 {
		t.Fatalf("kill_session login=all: %+v", r)
	}
	waitClosed(t, wee, "login=all (weeones)")
	waitClosed(t, other, "login=all (other)")

	if r = getResult(t, sess, execURL+"kill_session?login=nobody", nil); r.Status != 0 || len(r.Errors) == 0 {
		t.Errorf("kill_session of a login that does not exist: %+v", r)
	}
	if r = getResult(t, sess, execURL+"list_sessions", nil); string(r.Data) != "[]" {
		t.Errorf("sessions after kill all: %s", r.Data)
	}
}
