package svcacct

import (
	"context"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
)

// Use is one service account and the directory it uses.
type Use struct {
	Login string // "bob@example.com"
	Dir   string // relative to the home, slash-separated
}

// Users lists one service's accounts of a hosting account, for the rule
// that a directory goes only while no account uses it.
type Users struct {
	// Noun names one account in messages: "FTP account".
	Noun string
	// List returns the accounts of the hosting account accountID.
	List func(ctx context.Context, accountID int64) ([]Use, error)
}

// Lister returns the Users of a store, and false when the store does not
// list that service's accounts: FTPUsers, WebDiskUsers, EmailUsers.
type Lister func(st any) (Users, bool)

// UsersOf returns the Users of st that listers find, in their order.
func UsersOf(st any, listers ...Lister) []Users {
	var out []Users
	for _, l := range listers {
		if u, ok := l(st); ok {
			out = append(out, u)
		}
	}
	return out
}

type ftpLister interface {
	ListFTPAccounts(ctx context.Context, accountID int64) ([]*hosting.FTPAccount, error)
}

// FTPUsers lists the FTP logins of a store (*store.DB) with their roots.
func FTPUsers(st any) (Users, bool) {
	return usersOf(st, "FTP account", ftpLister.ListFTPAccounts,
		func(f *hosting.FTPAccount) Use { return Use{f.Login(), f.HomeDir} })
}

type webDiskLister interface {
	ListWebDiskAccounts(ctx context.Context, accountID int64) ([]*hosting.WebDiskAccount, error)
}

// WebDiskUsers lists the Web Disk logins of a store with their
// directories.
func WebDiskUsers(st any) (Users, bool) {
	return usersOf(st, "Web Disk account", webDiskLister.ListWebDiskAccounts,
		func(w *hosting.WebDiskAccount) Use { return Use{w.Login(), w.HomeDir} })
}

type emailLister interface {
	ListEmailAccounts(ctx context.Context, accountID int64) ([]*hosting.EmailAccount, error)
}

// EmailUsers lists the mailboxes of a store with their maildirs.
func EmailUsers(st any) (Users, bool) {
	return usersOf(st, "email account", emailLister.ListEmailAccounts,
		func(e *hosting.EmailAccount) Use { return Use{e.Address(), e.Maildir()} })
}

// usersOf returns the Users of st when st is an L, whose list method
// returns accounts that use turns into Uses.
func usersOf[L, A any](st any, noun string, list func(L, context.Context, int64) ([]A, error), use func(A) Use) (Users, bool) {
	l, ok := st.(L)
	if !ok {
		return Users{}, false
	}
	return Users{Noun: noun, List: func(ctx context.Context, id int64) ([]Use, error) {
		accts, err := list(l, ctx, id)
		if err != nil {
			return nil, err
		}
		out := make([]Use, len(accts))
		for i, a := range accts {
			out[i] = use(a)
		}
		return out, nil
	}}, true
}

// user is an account found using a directory.
type user struct {
	noun, login string
}

// usedBy returns the first account of users whose directory lies in rel
// (nil if none). When a listing fails it returns that listing's index with
// the error.
func usedBy(ctx context.Context, accountID int64, rel string, users []Users) (*user, int, error) {
	for i, u := range users {
		list, err := u.List(ctx, accountID)
		if err != nil {
			return nil, i, err
		}
		for _, a := range list {
			if homedir.Within(a.Dir, rel) {
				return &user{noun: u.Noun, login: a.Login}, i, nil
			}
		}
	}
	return nil, 0, nil
}
