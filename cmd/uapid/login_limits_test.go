package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/limiter"
)

// withLimits sets the daemon's limiter rules: identities block after
// perIdentity failures, addresses (every test client is 127.0.0.1) and
// tokens practically never, so that the identity's count is what shows.
func withLimits(perIdentity int) func(*Main) {
	rule := func(n int) limiter.Rule { return limiter.Rule{MaxFailures: n, Window: time.Hour, Block: time.Hour} }
	return func(m *Main) {
		m.limits = &limiter.Config{PerAddress: rule(10000), PerAccount: rule(perIdentity), PerToken: rule(10000)}
	}
}

// protocol is one way to try a login name and password against the daemon.
type protocol func(t *testing.T, s *server, user, pass string) (ok bool)

func httpsLogin(t *testing.T, s *server, user, pass string) bool {
	t.Helper()
	resp, _ := s.get(t, "/execute/Ftp/list_ftp", func(r *http.Request) { r.SetBasicAuth(user, pass) })
	return resp.StatusCode == http.StatusOK
}

func ftpLogin(t *testing.T, s *server, user, pass string) bool {
	t.Helper()
	c, err := ftp.Dial(s.main.Addr("ftp").String(), ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	return c.Login(user, pass) == nil
}

func webdavLogin(t *testing.T, s *server, user, pass string) bool {
	t.Helper()
	return s.webDiskStatus(t, user, pass) == http.StatusMultiStatus
}

// TestLoginLimitsAcrossProtocols: password failures by HTTPS, FTP and
// WebDAV, in every spelling of a login (case, NAME_logs, user+domain,
// user+tag@domain), count against one identity; once it is blocked every
// protocol refuses even the right password, and the account's API token
// still works.
func TestLoginLimitsAcrossProtocols(t *testing.T) {
	s := mustServe(t, withLimits(7))
	demo := func(r *http.Request) { r.SetBasicAuth("demo", s.demo.Password) }
	for _, call := range []string{"Ftp/add_ftp?user=roamer&pass=Roamer-pass-1",
		"WebDisk/add_user?user=roamer&password=Roamer-pass-1&homedir=public_html/roamer"} {
		if r := getResult(t, s.http, s.url+"/execute/"+call, demo); r.Status != 1 {
			t.Fatalf("%s: %+v", call, r)
		}
	}
	r := getResult(t, s.http, s.url+"/execute/Tokens/create_full_access?name=automation", demo)
	var tok struct{ Token string }
	if err := json.Unmarshal(r.Data, &tok); err != nil || tok.Token == "" {
		t.Fatalf("create token: %+v %v", r, err)
	}
	for _, id := range []struct {
		name     string
		pass     string
		right    []attempt // logins that work before the failures and are refused after
		failures []attempt // one identity in several spellings and protocols
	}{
		{"account", s.demo.Password,
			[]attempt{{httpsLogin, "demo"}, {ftpLogin, "demo"}, {ftpLogin, "demo_logs"}, {webdavLogin, "demo"}},
			[]attempt{{httpsLogin, "demo"}, {httpsLogin, "DEMO"}, {ftpLogin, "Demo"}, {ftpLogin, "demo_logs"},
				{webdavLogin, "demo"}, {ftpLogin, "DEMO_LOGS"}, {webdavLogin, " demo "}}},
		{"user@domain", "Roamer-pass-1",
			[]attempt{{ftpLogin, "roamer@demo.example"}, {webdavLogin, "roamer@demo.example"}},
			[]attempt{{ftpLogin, "roamer@demo.example"}, {ftpLogin, "ROAMER+demo.example"}, {webdavLogin, "roamer@Demo.Example"},
				{ftpLogin, "roamer+tag@demo.example"}, {webdavLogin, "roamer+demo.example"}, {httpsLogin, "roamer@demo.example"},
				{webdavLogin, "Roamer@demo.example"}}},
	} {
		t.Run(id.name, func(t *testing.T) {
			for _, a := range id.right {
				if !a.p(t, s, a.user, id.pass) {
					t.Fatalf("%q: the right password is refused before any failure", a.user)
				}
			}
			for _, a := range id.failures {
				if a.p(t, s, a.user, "wrong-password") {
					t.Fatalf("%q logged in with a wrong password", a.user)
				}
			}
			for _, a := range id.right {
				if a.p(t, s, a.user, id.pass) {
					t.Errorf("%q logged in after 7 failures of its identity in 7 spellings", a.user)
				}
			}
		})
	}
	resp, _ := s.get(t, "/execute/Ftp/list_ftp", demo)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("HTTPS password login of a blocked identity: %d, want 429", resp.StatusCode)
	}
	r = getResult(t, s.http, s.url+"/execute/Ftp/list_ftp", func(q *http.Request) {
		q.Header.Set("Authorization", "cpanel demo:"+tok.Token)
	})
	if r.Status != 1 {
		t.Errorf("the API token was refused while password logins are blocked: %+v", r)
	}
}

// attempt is a login name tried by one protocol.
type attempt struct {
	p    protocol
	user string
}

// TestNodesShareLoginLimits: three nodes on one PostgreSQL allow an
// identity the same number of password guesses as one node, because the
// limiter's counts live in the database.
func TestNodesShareLoginLimits(t *testing.T) {
	dsn := fixture.PostgresDSN(t, "running several nodes")
	const perIdentity = 6
	a := mustNode(t, dsn, "node-a", false, withLimits(perIdentity))
	b := mustNode(t, dsn, "node-b", false, withLimits(perIdentity))
	c := mustNode(t, dsn, "node-c", false, withLimits(perIdentity))
	for _, name := range []string{"solo", "trio"} {
		_, err := a.main.accounts.Create(context.Background(), account.CreateRequest{Name: name,
			Password: name + "-password-1", Domain: name + ".example"})
		if err != nil {
			t.Fatal(err)
		}
	}
	one := guessesAllowed(t, []*server{a}, "solo")
	three := guessesAllowed(t, []*server{a, b, c}, "trio")
	if one != perIdentity || three != one {
		t.Errorf("one node allowed %d guesses, three nodes %d; want %d each", one, three, perIdentity)
	}
	for _, n := range []*server{a, b, c} {
		resp, _ := n.get(t, "/execute/Ftp/list_ftp", func(r *http.Request) { r.SetBasicAuth("trio", "trio-password-1") })
		if resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("the right password on a node after the block: %d, want 429", resp.StatusCode)
		}
	}
}

// guessesAllowed sends wrong passwords for user over HTTPS, in turn to
// each node, and returns how many were judged (401) before the first 429.
func guessesAllowed(t *testing.T, nodes []*server, user string) int {
	t.Helper()
	for i := 0; i < 100; i++ {
		n := nodes[i%len(nodes)]
		resp, _ := n.get(t, "/execute/Ftp/list_ftp", func(r *http.Request) { r.SetBasicAuth(user, fmt.Sprint("guess-", i)) })
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			return i
		case http.StatusUnauthorized:
		default:
			t.Fatalf("guess %d on node %d: status %d", i, i%len(nodes), resp.StatusCode)
		}
	}
	t.Fatalf("%s: 100 guesses and no block", user)
	return 0
}
