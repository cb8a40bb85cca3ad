package main

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// testDeleteUserSeed replays the second seed, UserManager::delete_user,
// over real service accounts: a Subaccount example1 and three unlinked
// service accounts of the same name (email, FTP with quota 42, Web Disk rw
// with Digest). Deleting the Subaccount answers the hypothetical Subaccount
// that remains, with the three as merge candidates.
func (s *server) testDeleteUserSeed(t *testing.T) {
	steps := [][]string{
		{"UserManager", "create_user", "username=example1", "domain=demo.example", "password=Example1-pass-x"},
		{"Email", "add_pop", "email=example1", "password=Example1-pass-x", "quota=0"},
		{"Ftp", "add_ftp", "user=example1", "pass=Example1-pass-x", "quota=42", "homedir=example1%40demo.example"},
		{"WebDisk", "add_user", "user=example1", "password=Example1-pass-x", "homedir=public_html/webdav", "perms=rw", "enabledigest=1"},
	}
	for _, st := range steps {
		if out, errOut, code := s.runCmd(t, s.uapi, nil, append([]string{"--user=demo"}, st...)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", st, code, out, errOut)
		}
	}
	sess, prefix := s.sessionLogin(t)
	r := getResult(t, sess, s.url+prefix+"/execute/UserManager/delete_user?username=example1&domain=demo.example", nil)
	if r.Status != 1 {
		t.Fatalf("delete_user: %+v", r)
	}
	var data struct {
		Type            string `json:"type"`
		Username        string `json:"username"`
		MergeCandidates []struct {
			Type     string                     `json:"type"`
			Services map[string]json.RawMessage `json:"services"`
		} `json:"merge_candidates"`
	}
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatal(err)
	}
	if data.Type != "hypothetical" || data.Username != "example1" || len(data.MergeCandidates) != 3 {
		t.Fatalf("data = %s", r.Data)
	}
	all := string(r.Data)
	for _, want := range []string{`"quota":"42.00"`, `"homedir":"example1@demo.example"`, `"perms":"rw"`, `"enabledigest":1`} {
		if !strings.Contains(all, want) {
			t.Errorf("delete_user data lacks %s:\n%s", want, all)
		}
	}
	if r = getResult(t, sess, s.url+prefix+"/execute/UserManager/delete_user?username=example1&domain=demo.example", nil); r.Status != 0 {
		t.Errorf("deleting a missing Subaccount: %+v", r)
	}
}

// testInvitation creates a Subaccount with FTP and send_invite=1, reads the
// invitation from the SMTP relay, sets the password on the invitation page,
// and logs in to the FTP server with it.
func (s *server) testInvitation(t *testing.T) {
	out, errOut, code := s.runCmd(t, s.uapi, nil, "--user=demo", "UserManager", "create_user", "username=invitee",
		"domain=demo.example", "send_invite=1", "alternate_email=invitee%40example.net",
		"services.ftp.enabled=1", "services.ftp.homedir=public_html/invitee")
	if code != 0 {
		t.Fatalf("create_user: exit %d\n%s%s", code, out, errOut)
	}
	mails := s.smtp.Mails()
	if len(mails) != 1 || mails[0].To[0] != "invitee@example.net" {
		t.Fatalf("mails: %+v", mails)
	}
	_, body, err := mails[0].Text()
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https://uapid\.test(/invitation\?token=[A-Za-z0-9_%=-]+)`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no invitation link in:\n%s", body)
	}
	u, _ := url.Parse(link[1])
	form := url.Values{"token": {u.Query().Get("token")}, "password": {"Invitee-pass-1"}, "confirm": {"Invitee-pass-1"}}
	resp, err := s.http.PostForm(s.url+"/invitation", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("accepting the invitation: HTTP %d", resp.StatusCode)
	}
	s.mustFTPLogin(t, "invitee@demo.example", "Invitee-pass-1")
	if resp, _ = s.http.PostForm(s.url+"/invitation", form); resp.StatusCode != 404 {
		t.Errorf("a used invitation answered HTTP %d, want 404", resp.StatusCode)
	}
}
