package account

import (
	"context"
	"fmt"
	"os"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// Kinds of the intents accounts record (see internal/intent).
//
//   - create: the intent is stored, then the home is made, then the
//     account's row is committed, then the intent goes. A create that is
//     not finished is rolled back: the home is removed unless the account
//     was committed.
//   - delete: the account's row (and with it every row it owned) is
//     deleted with the intent in one transaction, then the mail server's
//     files are republished, then the home is removed, then the intent
//     goes. A delete that is not finished is completed.
const (
	kindCreate = "account.create"
	kindDelete = "account.delete"
)

// homeIntent is the data of both kinds: the account's name and home.
type homeIntent struct {
	Name string `json:"name"`
	Home string `json:"home"`
	// Profile is set for Provision: the account is complete only with
	// its profile.
	Profile bool `json:"profile,omitempty"`
}

// UseJournal makes Create and Delete crash-safe with j and registers their
// repairs. Call it before the service is used.
func (s *Service) UseJournal(j *intent.Journal) {
	s.journal = j
	j.Handle(kindCreate, s.repairCreate)
	j.Handle(kindDelete, s.repairDelete)
}

// repairCreate rolls back a create that a crash interrupted, or finds it
// complete.
func (s *Service) repairCreate(ctx context.Context, in *hosting.Intent) (string, error) {
	var h homeIntent
	if err := intent.Decode(in, &h); err != nil {
		return "", err
	}
	acct, err := s.store.FindAccountByName(ctx, h.Name)
	switch {
	case err != nil && hosting.ErrorCode(err) != hosting.ENOTFOUND:
		return "", err
	case err == nil && acct.HomeDir != h.Home:
		return "completed: account " + h.Name + " has another home", nil
	case err == nil && acct.CreatedAt.Unix() < in.CreatedAt.Unix():
		// Older than the intent: the name was taken, this create never
		// committed, and the home is the older account's.
		return "rolled back: the name belongs to an older account", nil
	case err == nil:
		complete, err := s.hasProfile(ctx, acct, h.Profile)
		if err != nil || complete {
			return "completed: account " + h.Name + " was committed", err
		}
		if err := s.store.DeleteAccount(ctx, acct.ID); err != nil {
			return "", err
		}
	}
	if err := os.RemoveAll(h.Home); err != nil {
		return "", fmt.Errorf("account: remove home of %q: %w", h.Name, err)
	}
	return "rolled back: home " + h.Home + " removed", nil
}

// hasProfile reports whether a committed account is complete: it has its
// profile when the create needed one.
func (s *Service) hasProfile(ctx context.Context, acct *hosting.Account, needed bool) (bool, error) {
	if !needed || s.operator == nil {
		return true, nil
	}
	// FindProfile answers an empty profile for none; the list tells.
	ps, err := s.operator.ListProfiles(ctx)
	if err != nil {
		return false, err
	}
	_, ok := ps[acct.ID]
	return ok, nil
}

// repairDelete completes a delete that a crash interrupted. An account of
// the same name created since has a new home (Create refuses an existing
// one), so the old one is gone already.
func (s *Service) repairDelete(ctx context.Context, in *hosting.Intent) (string, error) {
	var h homeIntent
	if err := intent.Decode(in, &h); err != nil {
		return "", err
	}
	s.notifyChanged(ctx, h.Name)
	if _, err := s.store.FindAccountByName(ctx, h.Name); err == nil {
		return "completed: account " + h.Name + " exists again with a new home", nil
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return "", err
	}
	if err := os.RemoveAll(h.Home); err != nil {
		return "", fmt.Errorf("account: remove home of %q: %w", h.Name, err)
	}
	return "completed: home " + h.Home + " removed", nil
}
