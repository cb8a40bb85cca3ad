package usermanager

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/svcacct"
)

// Kinds of the intents UserManager records (see internal/intent).
//
//   - create: the Subaccount is stored with the intent in one transaction;
//     before each service the intent names the service and the top-most
//     directory it may create; then the service is created and linked. A
//     change that is not finished is rolled back: the services of the
//     steps begun (linked to the user, or not linked to anyone) are
//     deleted, the directories they made removed, the Subaccount deleted.
//   - edit (edit_user): before any change the intent records the linked
//     services the edit updates as they are (hashes, quotas, directories,
//     and the top-most directory a new home may make) and those it
//     disables; services turned on are recorded step by step as for
//     create. Until the intent is marked committed, with the update of the
//     Subaccount row in it, an interrupted edit is rolled back: services
//     created are removed, the updated ones given their recorded state
//     back. Once committed it is completed: the row is updated and the
//     disabled services deleted and unlinked. So a Subaccount is never
//     left with some services edited and others not.
//   - delete: the Subaccount is deleted with the intent, which lists its
//     linked service accounts by id; they are deleted next. A change that
//     is not finished is completed: the listed accounts still of the same
//     id are deleted.
const (
	kindCreate = "usermanager.create"
	kindEdit   = "usermanager.edit"
	kindDelete = "usermanager.delete"
	// kindEnable is the edit intent of earlier versions, which recorded
	// only the services turned on: its data is an edit's without the rest.
	kindEnable = "usermanager.enable"
)

// steps is the data of create and edit intents.
type steps struct {
	GUID   string `json:"guid"`
	User   string `json:"user"`
	Domain string `json:"domain"`
	Steps  []step `json:"steps"`
	// The rest is an edit's: the linked services it updates, as they
	// were; those it disables; and, once it can no longer be rolled back,
	// Committed with the update of the Subaccount row.
	Prior     []state                   `json:"prior,omitempty"`
	Removals  []accountRef              `json:"removals,omitempty"`
	Committed bool                      `json:"committed,omitempty"`
	Sub       *hosting.SubaccountUpdate `json:"sub,omitempty"`
}

// step is one service of a create or enable.
type step struct {
	Service string `json:"service"`
	// Dir is the top-most directory (relative to the home) that creating
	// the service may make, "" for none.
	Dir string `json:"dir,omitempty"`
	// Existed is set when an account of the name existed before the step:
	// creating it will fail, and it is not ours to delete.
	Existed bool `json:"existed,omitempty"`
	// ID is the store id of the account the step created, recorded as
	// soon as it exists: a roll-back deletes an account of the name only
	// while it has this id, never one made since (after a roll-back that
	// failed half-way deleted ours). 0 when the process died before
	// recording it, or in intents of earlier versions: then an account of
	// the name that no other user holds is taken for ours.
	ID int64 `json:"id,omitempty"`
	// failed is set in the process when creating the service failed, so
	// the account of that name is not ours to delete. After a crash it is
	// unknown: an account of the name that no other user holds is ours.
	failed bool
}

// deletion is the data of a delete intent.
type deletion struct {
	GUID     string       `json:"guid"`
	Accounts []accountRef `json:"accounts"`
}

// accountRef names one service account by its id, so that a later account
// of the same name is never taken for it.
type accountRef struct {
	Service string `json:"service"`
	User    string `json:"user"`
	Domain  string `json:"domain"`
	ID      int64  `json:"id"`
}

// UseJournal makes create, edit and delete crash-safe with j and registers
// their repairs. Call it before the service is used.
func (s *Service) UseJournal(j *intent.Journal) {
	s.journal = j
	j.Handle(kindCreate, s.repairCreate)
	j.Handle(kindEdit, s.repairEdit)
	j.Handle(kindEnable, s.repairEdit)
	j.Handle(kindDelete, s.repairDelete)
}

// intentAccount returns the hosting account of an intent; found is false
// when it is gone, and with it everything the change touched.
func (s *Service) intentAccount(ctx context.Context, in *hosting.Intent, rec any) (acct *hosting.Account, found bool, err error) {
	if err := intent.Decode(in, rec); err != nil {
		return nil, false, err
	}
	acct, err = s.accounts.FindAccountByID(ctx, in.AccountID)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, false, nil
	} else if err != nil {
		return nil, false, err
	}
	return acct, true, nil
}

// repairCreate rolls back a create that a crash interrupted.
func (s *Service) repairCreate(ctx context.Context, in *hosting.Intent) (string, error) {
	var rec steps
	acct, found, err := s.intentAccount(ctx, in, &rec)
	if err != nil || !found {
		return "account gone", err
	}
	if err := s.rollBack(ctx, acct, &rec, true); err != nil {
		return "", err
	}
	return fmt.Sprintf("rolled back %s@%s (%d services)", rec.User, rec.Domain, len(rec.Steps)), nil
}

// repairEdit rolls back an edit that a crash interrupted before it was
// committed, and completes one interrupted after.
func (s *Service) repairEdit(ctx context.Context, in *hosting.Intent) (string, error) {
	var rec steps
	acct, found, err := s.intentAccount(ctx, in, &rec)
	if err != nil || !found {
		return "account gone", err
	}
	if rec.Committed {
		if _, err := s.completeEdit(ctx, acct, &rec); err != nil {
			return "", err
		}
		return fmt.Sprintf("completed edit of %s@%s (%d services disabled)", rec.User, rec.Domain, len(rec.Removals)), nil
	}
	if err := s.rollBackEdit(ctx, acct, &rec); err != nil {
		return "", err
	}
	return fmt.Sprintf("rolled back edit of %s@%s (%d services restored, %d created removed)", rec.User, rec.Domain,
		len(rec.Prior), len(rec.Steps)), nil
}

// repairDelete completes a delete_user that a crash interrupted.
func (s *Service) repairDelete(ctx context.Context, in *hosting.Intent) (string, error) {
	var d deletion
	acct, found, err := s.intentAccount(ctx, in, &d)
	if err != nil || !found {
		return "account gone", err
	}
	if _, err := s.removeAccounts(ctx, acct, d.Accounts); err != nil {
		return "", err
	}
	return fmt.Sprintf("completed: %d service accounts of %s deleted", len(d.Accounts), d.GUID), nil
}

// beginStep records that the service b is about to be created for rec's
// user, with the directory it may make.
func (s *Service) beginStep(ctx context.Context, acct *hosting.Account, in *hosting.Intent, rec *steps, b backend, cr createRequest) error {
	st := step{Service: b.service()}
	if _, err := b.get(ctx, acct, cr.user, cr.domain); err == nil {
		st.Existed = true
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return err
	}
	var err error
	if st.Dir, err = firstMissing(acct, b.dir(cr)); err != nil {
		return err
	}
	rec.Steps = append(rec.Steps, st)
	return s.journal.Update(ctx, in, rec)
}

// rollBack deletes what the steps of rec made, last first, and then the
// Subaccount when withSub. It is idempotent.
func (s *Service) rollBack(ctx context.Context, acct *hosting.Account, rec *steps, withSub bool) error {
	var errs []error
	for _, st := range slices.Backward(rec.Steps) {
		errs = append(errs, s.undoStep(ctx, acct, rec, st))
	}
	if withSub {
		sub, err := s.store.FindSubaccountByGUID(ctx, acct.ID, rec.GUID)
		if err == nil {
			err = s.store.DeleteSubaccount(ctx, sub.ID)
		}
		if hosting.ErrorCode(err) != hosting.ENOTFOUND {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// undoStep deletes the service account of one step if it is ours, with its
// link, and the directory the step made unless the account there is
// someone else's.
func (s *Service) undoStep(ctx context.Context, acct *hosting.Account, rec *steps, st step) error {
	b := s.backend(st.Service)
	if b == nil {
		return nil
	}
	sa, err := b.get(ctx, acct, rec.User, rec.Domain)
	switch {
	case hosting.ErrorCode(err) == hosting.ENOTFOUND:
		// Removed before a crash cut the undo short: a link left is stale.
		if _, err := s.store.DeleteServiceAnnotation(ctx, acct.ID, st.Service, rec.User, rec.Domain); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if ours, err := s.ours(ctx, acct, rec.GUID, sa, st); err != nil || !ours {
			return err
		}
		if _, err := b.remove(ctx, acct, sa); err != nil && hosting.ErrorCode(err) != hosting.ENOTFOUND {
			return err
		}
		// The link goes too (with the Subaccount, when a create is undone).
		if err := s.unlink(ctx, acct, []accountRef{{Service: sa.service, User: sa.user, Domain: sa.domain, ID: sa.id}}); err != nil {
			return err
		}
	}
	return s.removeDir(ctx, acct, st.Dir)
}

// firstMissing returns the top-most directory that making rel in the home
// of acct would create ("" for none).
func firstMissing(acct *hosting.Account, rel string) (string, error) {
	if rel == "" {
		return "", nil
	}
	root, err := homedir.Open(acct)
	if err != nil {
		return "", err
	}
	defer root.Close()
	return homedir.FirstMissing(root, rel), nil
}

// removeDir removes a directory a change made, rel to the home ("" for
// none), under the account's lock the services share (svcacct.Locks),
// unless an FTP, Web Disk or email account uses it now (another change may
// have put its own login there meanwhile), and only as far as it holds
// nothing but directories: a repair that runs late must not take files
// uploaded since. The caller holds no lock.
func (s *Service) removeDir(ctx context.Context, acct *hosting.Account, rel string) error {
	if rel == "" {
		return nil
	}
	users := svcacct.UsersOf(s.store, svcacct.FTPUsers, svcacct.WebDiskUsers, svcacct.EmailUsers)
	login, kept, err := s.locks.RemoveMade(ctx, acct, rel, users)
	switch {
	case err != nil:
		return err
	case login != "":
		s.log.InfoContext(ctx, "usermanager: kept a directory a rolled-back change made, another account uses it", "account", acct.Name, "dir", rel, "login", login)
	case kept != "":
		s.log.WarnContext(ctx, "usermanager: kept a directory a rolled-back change made, something was put in it since", "account", acct.Name, "dir", rel, "holds", kept)
	}
	return nil
}

// ours reports whether the service account sa was made by the step st of
// the change of the user guid: of the id the step recorded (when it did),
// and linked to that user, or linked to no one and not known to have
// failed.
func (s *Service) ours(ctx context.Context, acct *hosting.Account, guid string, sa *serviceAccount, st step) (bool, error) {
	if sa.special || st.failed || st.Existed {
		return false, nil
	}
	if st.ID != 0 && sa.id != st.ID {
		s.log.InfoContext(ctx, "usermanager: roll-back keeps an account of the name made since", "account", acct.Name,
			"service", sa.service, "login", sa.name(), "id", sa.id, "created_id", st.ID)
		return false, nil
	}
	anns, err := s.store.FindServiceAnnotations(ctx, acct.ID, sa.user, sa.domain)
	if err != nil {
		return false, err
	}
	for _, a := range anns {
		if a.Service == sa.service && a.ServiceID == sa.id {
			return a.OwnerGUID == guid && !a.Dismissed, nil
		}
	}
	return true, nil
}

// removeAccounts deletes the listed service accounts that still have their
// ids (their modules close live sessions and publish), keeping their
// files, as deleting a user does. It is idempotent.
func (s *Service) removeAccounts(ctx context.Context, acct *hosting.Account, refs []accountRef) ([]string, error) {
	var warnings []string
	for _, r := range refs {
		b := s.backend(r.Service)
		if b == nil {
			continue
		}
		sa, err := b.get(ctx, acct, r.User, r.Domain)
		if hosting.ErrorCode(err) == hosting.ENOTFOUND || (err == nil && sa.id != r.ID) {
			continue
		} else if err != nil {
			return warnings, err
		}
		w, err := b.remove(ctx, acct, sa)
		warnings = append(warnings, w...)
		if err != nil && hosting.ErrorCode(err) != hosting.ENOTFOUND {
			return warnings, err
		}
	}
	return warnings, nil
}
