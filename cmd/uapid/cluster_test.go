package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/config"
	"github.com/uapid/uapid/internal/fixture"
)

// mustNode boots one uapid node on a shared PostgreSQL DSN, with its own
// data directory (certificate, admin socket) and the homes in homes.
func mustNode(t *testing.T, dsn, name string, demo bool, opts ...func(*Main)) *server {
	t.Helper()
	return mustNodeWith(t, dsn, name, demo, nil, opts...)
}

// mustNodeWith is mustNode with extra environment variables.
func mustNodeWith(t *testing.T, dsn, name string, demo bool, extra map[string]string, opts ...func(*Main)) *server {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{"UAPID_DATA_DIR": dir, "UAPID_DATABASE": dsn, "UAPID_NODE_ID": name,
		"UAPID_HTTPS_ADDR": "127.0.0.1:0", "UAPID_FTP_ADDR": "127.0.0.1:0", "UAPID_WEBDAV_ADDR": "off", "UAPID_WHM_ADDR": "off",
		"UAPID_HOSTNAME": "localhost", "UAPID_MAIL_UID": "65534", "UAPID_MAIL_GID": "65534"}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.Load("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{Config: cfg, Demo: demo, Log: fixture.Logger(t)}
	for _, o := range opts {
		o(m)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return &server{main: m, url: m.HTTPSURL(), env: env, http: &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}}
}

// TestTwoNodesShareSessions runs two whole uapid nodes on one PostgreSQL
// database: a session on node B's FTP server is listed and killed through
// node A's HTTPS API, as DESIGN.md's "Several nodes" promises.
func TestTwoNodesShareSessions(t *testing.T) {
	dsn := fixture.PostgresDSN(t, "running several nodes")
	a := mustNode(t, dsn, "node-a", true)
	b := mustNode(t, dsn, "node-b", false)
	a.demo = mustDemo(t, a)
	basic := func(q *http.Request) { q.SetBasicAuth("demo", a.demo.Password) }
	if r := getResult(t, a.http, a.url+"/execute/Ftp/add_ftp?user=roamer&pass=Roamer-pass-1", basic); r.Status != 1 {
		t.Fatalf("add_ftp on node A: %+v", r)
	}
	client := b.mustFTPLogin(t, "roamer@demo.example", "Roamer-pass-1")
	// Node B records the session in PostgreSQL right after the login, in
	// the background: wait (bounded) until node A sees it.
	var r result
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(string(r.Data), `"user":"roamer@demo.example"`) {
		if time.Now().After(deadline) {
			t.Fatalf("node A does not list node B's session: %s", r.Data)
		}
		time.Sleep(20 * time.Millisecond)
		r = getResult(t, a.http, a.url+"/execute/Ftp/list_sessions", basic)
	}
	if r = getResult(t, a.http, a.url+"/execute/Ftp/kill_session?login=roamer", basic); r.Status != 1 {
		t.Fatalf("kill_session on node A: %+v", r)
	}
	waitClosed(t, client, "a session on node B killed through node A")
}

func mustDemo(t *testing.T, s *server) demoCredentials {
	t.Helper()
	var d demoCredentials
	b, err := os.ReadFile(filepath.Join(s.env["UAPID_DATA_DIR"], "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}
