package svcacct

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// DestroyData is the data of a destroy's intent: stored with the deletion
// of the login's row, gone once the directory is removed (or kept because
// another login uses it).
type DestroyData struct {
	Login   string `json:"login"`
	HomeDir string `json:"homedir"` // relative to the home
}

// Destroy is the deletion of a login that, with destroy, also removes the
// login's directory once the row is gone: the deletion is completed after
// a crash, never undone.
type Destroy struct {
	d    *Dirs
	acct *hosting.Account
	data DestroyData
	in   *hosting.Intent
	on   bool
}

// BeginDestroy starts the deletion of login, whose directory is rel. With
// destroy the directory goes too, unless it is the home or part of its
// layout (skipped silently, as cPanel does). The caller deletes the row
// with Intent, then calls Finish, and Release in any case.
func (d *Dirs) BeginDestroy(acct *hosting.Account, login, rel string, destroy bool) (*Destroy, error) {
	x := &Destroy{d: d, acct: acct, data: DestroyData{Login: login, HomeDir: rel},
		on: destroy && !homedir.IsProtected(rel)}
	if !x.on {
		return x, nil
	}
	in, err := d.journal.Begin(d.cfg.DestroyKind, acct.ID, x.data)
	if err != nil {
		return nil, err
	}
	x.in = in
	return x, nil
}

// Intent returns the intent to store with the deletion of the row: nil
// when the directory stays or there is no journal.
func (x *Destroy) Intent() *hosting.Intent { return x.in }

// Removes reports whether the directory goes.
func (x *Destroy) Removes() bool { return x.on }

// Release lets the repair complete the deletion when Finish did not.
func (x *Destroy) Release() { x.d.journal.Release(x.in) }

// Finish removes the directory, after the row's deletion is committed,
// unless a login uses it. It returns warnings for the caller: the
// deletion stands, and a removal that failed is left to the repair.
func (x *Destroy) Finish(ctx context.Context) []string {
	if !x.on {
		return nil
	}
	w, err := x.d.RemoveUnlessUsed(ctx, x.acct, x.data.HomeDir)
	if err == nil {
		err = x.d.journal.Finish(ctx, x.in)
	}
	if err != nil {
		x.d.cfg.Log.ErrorContext(ctx, "remove "+x.d.cfg.Name+" directory", "account", x.acct.Name, "dir", x.data.HomeDir, "err", err)
	}
	if w != "" {
		return []string{w}
	}
	return nil
}

// RemoveUnlessUsed removes a deleted login's directory rel unless an
// account of cfg.Users uses it, and returns a warning for the caller when
// it did not remove it. err is set when trying again may succeed (the
// intent then stays for the repair). The check and the removal run under
// the account's lock (Config.Locks), so that an add in any service that
// makes or adopts rel meanwhile either comes first and keeps it, or comes
// after and finds it gone. Email's delete_pop uses it for the maildir.
func (d *Dirs) RemoveUnlessUsed(ctx context.Context, acct *hosting.Account, rel string) (warning string, err error) {
	dir := filepath.Join(acct.HomeDir, rel)
	unlock, err := d.lock(ctx, acct)
	if err != nil {
		return fmt.Sprintf("The system did not remove the directory “%s” yet because the account is busy: it will try again.", dir), err
	}
	defer unlock()
	u, i, err := usedBy(ctx, acct.ID, rel, d.cfg.Users)
	if err != nil {
		other := ""
		if i == 0 {
			other = "other "
		}
		return fmt.Sprintf("The system did not remove the directory “%s” because it could not check whether %s%ss use it.", dir, other, d.cfg.Users[i].Noun), err
	}
	if u != nil {
		return fmt.Sprintf("The system did not remove the directory “%s” because the %s “%s” uses it.", dir, u.noun, u.login), nil
	}
	if err := d.remove(acct, rel); err != nil {
		return fmt.Sprintf("The system could not remove the directory “%s”.", dir), err
	}
	return "", nil
}

// repairDestroy finishes a deletion with destroy that a crash interrupted.
func (d *Dirs) repairDestroy(ctx context.Context, in *hosting.Intent) (string, error) {
	var x DestroyData
	if err := intent.Decode(in, &x); err != nil {
		return "", err
	}
	if homedir.IsProtected(x.HomeDir) {
		return "completed: " + x.Login + "'s directory is protected and stays", nil // BeginDestroy records none
	}
	acct, err := d.find(ctx, in)
	if err != nil {
		return "", err
	} else if acct == nil {
		return gone, nil
	}
	if _, err := d.RemoveUnlessUsed(ctx, acct, x.HomeDir); err != nil {
		return "", err
	}
	return "completed: directory " + x.HomeDir + " of " + x.Login + " removed unless shared", nil
}
