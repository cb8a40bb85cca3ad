package email

import (
	"context"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/svcacct"
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
// (svcacct's) publishes the domain and removes the directories unless a
// mailbox uses them.
const kindCreate = "email.create"

type deleteIntent struct {
	User        string `json:"user"`
	Domain      string `json:"domain"`
	KeepMaildir bool   `json:"keep_maildir"`
}

// UseJournal makes mailbox creations and deletions crash-safe with j and
// registers their repairs. Call it before the service is used.
func (s *Service) UseJournal(j *intent.Journal, accounts svcacct.AccountFinder) {
	s.journal, s.accounts = j, accounts
	j.Handle(kindDelete, s.repairDelete)
	s.maildirs.UseJournal(j, accounts)
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
	// The maildir stays if a mailbox of the address exists again (it
	// adopted it) or another account uses it.
	if _, err := s.maildirs.RemoveUnlessUsed(ctx, acct, hosting.MaildirPath(d.User, d.Domain)); err != nil {
		return "", err
	}
	return "completed: " + d.User + "@" + d.Domain + " published as deleted, maildir removed unless used", nil
}
