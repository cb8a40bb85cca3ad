package webdisk

import (
	"context"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// kindDestroy is the intent of delete_user with destroy: the login's row is
// deleted with the intent in one transaction, then its directory is
// removed (unless another login's directory lies in it), then the intent
// goes. The repair of one a crash left removes the directory.
const kindDestroy = "webdisk.destroy"

// kindNewDir is the intent of add_user and set_homedir when they make a
// directory: stored before it is made, gone once the login's row is
// committed (or the directory removed again). The repair of one a crash
// left keeps the directory if a login's lies in it, else removes it.
const kindNewDir = "webdisk.newdir"

type newDirIntent struct {
	Dir string `json:"dir"` // top-most directory made, relative to the home
}

type destroyIntent struct {
	Login   string `json:"login"`
	HomeDir string `json:"homedir"`
}

// AccountFinder finds the hosting account an intent names: *store.DB.
type AccountFinder interface {
	FindAccountByID(ctx context.Context, id int64) (*hosting.Account, error)
}

// UseJournal makes delete_user's destroy crash-safe with j and registers
// its repair. Call it before the service is used.
func (s *Service) UseJournal(j *intent.Journal, accounts AccountFinder) {
	s.journal, s.accounts = j, accounts
	j.Handle(kindDestroy, s.repairDestroy)
	j.Handle(kindNewDir, s.repairNewDir)
}

// repairNewDir removes a directory made for a login whose commit a crash
// prevented.
func (s *Service) repairNewDir(ctx context.Context, in *hosting.Intent) (string, error) {
	var d newDirIntent
	if err := intent.Decode(in, &d); err != nil {
		return "", err
	}
	acct, err := s.accounts.FindAccountByID(ctx, in.AccountID)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return "account gone with its home", nil
	} else if err != nil {
		return "", err
	}
	logins, err := s.store.ListWebDiskAccounts(ctx, acct.ID)
	if err != nil {
		return "", err
	}
	for _, w := range logins {
		if homedir.Within(w.HomeDir, d.Dir) {
			return "completed: " + d.Dir + " belongs to " + w.Login(), nil
		}
	}
	root, err := homedir.Open(acct)
	if err != nil {
		return "", err
	}
	defer root.Close()
	err = root.RemoveAll(d.Dir)
	s.rescan(acct)
	if err != nil {
		return "", err
	}
	return "rolled back: " + d.Dir + " removed", nil
}

// repairDestroy finishes a deletion with destroy that a crash interrupted.
func (s *Service) repairDestroy(ctx context.Context, in *hosting.Intent) (string, error) {
	var d destroyIntent
	if err := intent.Decode(in, &d); err != nil {
		return "", err
	}
	acct, err := s.accounts.FindAccountByID(ctx, in.AccountID)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return "account gone with its home", nil
	} else if err != nil {
		return "", err
	}
	if _, err := s.destroyDir(ctx, acct, d.HomeDir); err != nil {
		return "", err
	}
	return "completed: directory " + d.HomeDir + " of " + d.Login + " removed unless shared", nil
}
