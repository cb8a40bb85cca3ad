package svcacct_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/svcacct"
)

// TestUsersOf lists each service's accounts from a real store, and none
// from a store that does not list them.
func TestUsersOf(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	ctx := context.Background()
	const hash = "$6$salt$hash"
	if err := e.db.CreateFTPAccount(ctx, &hosting.FTPAccount{AccountID: e.acct.ID, User: "ftpbob", Domain: "example.com",
		PasswordHash: hash, HomeDir: "public_html/ftp"}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateWebDiskAccount(ctx, &hosting.WebDiskAccount{AccountID: e.acct.ID, User: "davbob", Domain: "example.com",
		PasswordHash: hash, HomeDir: "public_html/dav", Perms: hosting.WebDiskReadWrite}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.CreateEmailAccount(ctx, &hosting.EmailAccount{AccountID: e.acct.ID, User: "mailbob", Domain: "example.com",
		PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		st      any
		listers []svcacct.Lister
		want    []string // "Noun: login dir"
	}{
		{"every service, in the order asked", e.db, []svcacct.Lister{svcacct.WebDiskUsers, svcacct.FTPUsers, svcacct.EmailUsers},
			[]string{"Web Disk account: davbob@example.com public_html/dav", "FTP account: ftpbob@example.com public_html/ftp",
				"email account: mailbob@example.com mail/example.com/mailbob"}},
		{"one service", e.db, []svcacct.Lister{svcacct.FTPUsers}, []string{"FTP account: ftpbob@example.com public_html/ftp"}},
		{"a store that lists none", struct{}{}, []svcacct.Lister{svcacct.FTPUsers, svcacct.WebDiskUsers, svcacct.EmailUsers}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, u := range svcacct.UsersOf(tt.st, tt.listers...) {
				list, err := u.List(ctx, e.acct.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range list {
					got = append(got, u.Noun+": "+a.Login+" "+a.Dir)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
