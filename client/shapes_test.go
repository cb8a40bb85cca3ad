package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/uapid/uapid/client"
)

// TestResultTypesHoldEveryField decodes what the real server sends for
// every function with data into the client's type, refusing unknown
// fields: a field uapid adds must be added to the client too.
func TestResultTypesHoldEveryField(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	ctx := context.Background()
	bob := seedEverything(t, s, c)
	tests := []struct {
		module, fn string
		args       url.Values
		into       any
	}{
		{"Tokens", "create_full_access", url.Values{"name": {"shape"}}, &client.NewToken{}},
		{"Tokens", "list", nil, &[]client.APIToken{}},
		{"Ftp", "list_ftp", nil, &[]client.FTPAccount{}},
		{"Ftp", "list_ftp_with_disk", nil, &[]client.FTPAccountDisk{}},
		{"Ftp", "list_sessions", nil, &[]client.FTPSession{}},
		{"Ftp", "get_ftp_daemon_info", nil, &client.FTPDaemonInfo{}},
		{"Email", "list_pops", nil, &[]client.EmailAccount{}},
		{"Email", "list_pops_with_disk", url.Values{"get_restrictions": {"1"}}, &[]client.EmailAccountDisk{}},
		{"WebDisk", "add_user", url.Values{"user": {"shape"}, "password": {"Shape-pass-1234"}}, &client.WebDiskAdded{}},
		{"WebDisk", "list_users", nil, &[]client.WebDiskAccount{}},
		{"UserManager", "list_users", nil, &[]client.User{}},
		{"UserManager", "list_users", url.Values{"flat": {"1"}}, &[]client.User{}},
		{"UserManager", "lookup_user", url.Values{"guid": {bob.GUID}}, &client.User{}},
		{"UserManager", "check_account_conflicts", url.Values{"full_username": {"carl@example.com"}}, &client.AccountConflicts{}},
	}
	for _, tt := range tests {
		t.Run(tt.module+"::"+tt.fn, func(t *testing.T) {
			r, err := c.Call(ctx, tt.module, tt.fn, tt.args)
			must(t, err)
			if string(r.Data) == "[]" || string(r.Data) == "null" {
				t.Fatalf("no data to check: %s", r.Data)
			}
			dec := json.NewDecoder(bytes.NewReader(r.Data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(tt.into); err != nil {
				t.Errorf("%T: %v\n%s", tt.into, err, r.Data)
			}
		})
	}
}

// seedEverything gives the account one of everything, so every field of
// every record shows up: a Subaccount with all three services, an FTP
// login over its quota (an issue), same-named service accounts (a
// hypothetical user), a token with an expiry, and a live FTP session.
func seedEverything(t *testing.T, s *server, c *client.Client) *client.User {
	t.Helper()
	ctx := context.Background()
	bob, err := c.UserManager().CreateUser(ctx, client.CreateUserParams{Username: "bob", Domain: "example.com",
		Password: "Bob-pass-1234", RealName: "Bob", AlternateEmail: "bob@elsewhere.org", SendInvite: true,
		Services: client.UserServicesParams{
			Email:   client.UserEmailParams{Enabled: new(true), Quota: new(int64(10))},
			FTP:     client.UserFTPParams{Enabled: new(true), Homedir: "bob", Quota: new(int64(1))},
			WebDisk: client.UserWebDiskParams{Enabled: new(true), Homedir: "dav/bob", EnableDigest: new(true)},
		}})
	must(t, err)
	conn, err := s.ftpLogin(t, "bob@example.com", "Bob-pass-1234")
	must(t, err)
	_ = conn.Stor("big", bytes.NewReader(make([]byte, 2<<20))) // over the quota: refused part-way or not, it counts
	for _, name := range []string{"carl"} {
		must(t, c.Ftp().AddFTP(ctx, client.AddFTPParams{User: name, Pass: "Carl-pass-1234"}))
		_, err := c.Email().AddPop(ctx, client.AddPopParams{Email: name, Password: "Carl-pass-1234"})
		must(t, err)
	}
	_, err = c.Tokens().CreateFullAccess(ctx, "expiring", time.Now().Add(time.Hour))
	must(t, err)
	return bob
}
