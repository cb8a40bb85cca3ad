package email

import (
	"context"
	"fmt"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
)

// kindDelete is the intent of a mailbox's deletion: the row is deleted with
// the intent in one transaction, then the domain is published to the mail
// server (its passwd-file loses the entry), then the maildir is removed
// unless it is kept, then the intent goes. The repair of one a crash left
// publishes again and removes the maildir: the deletion is completed.
const kindDelete = "email.delete"

// kindCreate is the intent of a new mailbox that makes part of its
// maildir: stored before the directories are made, gone once the mailbox
// is committed and published (or undone). The repair of one a crash left
// publishes the domain and removes the directories unless a mailbox uses
// them.
const kindCreate = "email.create"

type createIntent struct {
	Domain string `json:"domain"`
	Dir    string `json:"dir"` // top-most directory made, relative to the home
}

type deleteIntent struct {
	User        string `json:"user"`
	Domain      string `json:"domain"`
	KeepMaildir bool   `json:"keep_maildir"`
}

// AccountFinder finds the hosting account an intent names: *store.DB.
type AccountFinder interface {
	FindAccountByID(ctx context.Context, id int64) (*hosting.Account, error)
}

// UseJournal makes mailbox deletions crash-safe with j and registers their
// repair. Call it before the service is used.
func (s *Service) UseJournal(j *intent.Journal, accounts AccountFinder) {
	s.journal, s.accounts = j, accounts
	j.Handle(kindDelete, s.repairDelete)
	j.Handle(kindCreate, s.repairCreate)
}

// repairCreate finishes a mailbox creation a crash interrupted: published
// if it was committed, its directories removed if not.
func (s *Service) repairCreate(ctx context.Context, in *hosting.Intent) (string, error) {
	var c createIntent
	if err := intent.Decode(in, &c); err != nil {
		return "", err
	}
	acct, err := s.accounts.FindAccountByID(ctx, in.AccountID)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return "account gone with its home", nil
	} else if err != nil {
		return "", err
	}
	s.dirs.Lock()
	defer s.dirs.Unlock()
	boxes, err := s.store.ListEmailAccounts(ctx, acct.ID)
	if err != nil {
		return "", err
	}
	outcome := "rolled back: " + c.Dir + " removed"
	if used := usedBy(boxes, c.Dir); used != "" {
		outcome = "completed: " + c.Dir + " belongs to " + used
	} else if err := s.removeDir(acct, c.Dir); err != nil {
		return "", err
	}
	if err := s.publish(ctx, c.Domain); err != nil {
		return "", err
	}
	return outcome, nil
}

// usedBy returns the address of a mailbox whose maildir lies in dir.
func usedBy(boxes []*hosting.EmailAccount, dir string) string {
	for _, e := range boxes {
		if homedir.Within(e.Maildir(), dir) {
			return e.Address()
		}
	}
	return ""
}

func (s *Service) removeDir(acct *hosting.Account, rel string) error {
	root, err := homedir.Open(acct)
	if err != nil {
		return err
	}
	defer root.Close()
	return removeTree(root, rel)
}

// repairDelete finishes a deletion a crash interrupted.
func (s *Service) repairDelete(ctx context.Context, in *hosting.Intent) (string, error) {
	var d deleteIntent
	if err := intent.Decode(in, &d); err != nil {
		return "", err
	}
	if err := s.publish(ctx, d.Domain); err != nil {
		return "", err
	}
	acct, err := s.accounts.FindAccountByID(ctx, in.AccountID)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return "account gone with its home; domain published", nil
	} else if err != nil {
		return "", err
	}
	if d.KeepMaildir {
		return "completed: " + d.User + "@" + d.Domain + " published as deleted", nil
	}
	s.dirs.Lock()
	defer s.dirs.Unlock()
	if err := s.removeKeptMaildir(ctx, acct, d.User, d.Domain); err != nil {
		return "", err
	}
	return "completed: " + d.User + "@" + d.Domain + " published as deleted, maildir removed", nil
}

// removeKeptMaildir removes a deleted mailbox's maildir unless a mailbox
// of the same address exists again (it adopted the maildir). The caller
// holds s.dirs.
func (s *Service) removeKeptMaildir(ctx context.Context, acct *hosting.Account, user, domain string) error {
	if _, err := s.store.FindEmailAccount(ctx, acct.ID, user, domain); err == nil {
		return nil
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return err
	}
	root, err := homedir.Open(acct)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := removeTree(root, hosting.MaildirPath(user, domain)); err != nil {
		return fmt.Errorf("email: %w", err)
	}
	return nil
}
