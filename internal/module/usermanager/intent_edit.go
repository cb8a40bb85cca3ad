package usermanager

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// planEdit records in rec, before edit changes anything, what a repair
// needs: each linked service the edit updates, as it is stored, with the
// hash the edit gives it (newHash, "" for none), the settings it leaves
// it with, and the directory a new home may make, and each linked service
// it disables.
func (s *Service) planEdit(acct *hosting.Account, rec *steps, linked map[string]*serviceAccount, req *userRequest, newHash string) error {
	for _, b := range s.backends {
		sa, o := linked[b.service()], req.services[b.service()]
		switch {
		case sa == nil || sa.special:
		case o.enabled != nil && !*o.enabled:
			rec.Removals = append(rec.Removals, accountRef{Service: sa.service, User: sa.user, Domain: sa.domain, ID: sa.id})
		case o.changes() || req.plain != "":
			was := sa.stored
			after := b.after(sa, o)
			was.NewHash, was.After = &newHash, &after
			if o.homedir != nil && *o.homedir != was.HomeDir {
				var err error
				if was.Dir, err = firstMissing(acct, *o.homedir); err != nil {
					return err
				}
			}
			rec.Prior = append(rec.Prior, was)
		}
	}
	return nil
}

// touches reports whether an edit recorded in rec changes any service
// account, so that it needs an intent.
func (rec *steps) touches() bool {
	return len(rec.Steps) > 0 || len(rec.Prior) > 0 || len(rec.Removals) > 0
}

// rollBackEdit undoes an edit that is not committed: the updated services
// get their recorded state back, last first, then the services it created
// are removed. It is idempotent.
func (s *Service) rollBackEdit(ctx context.Context, acct *hosting.Account, rec *steps) error {
	var errs []error
	for _, was := range slices.Backward(rec.Prior) {
		errs = append(errs, s.restore(ctx, acct, was))
	}
	errs = append(errs, s.rollBack(ctx, acct, rec, false))
	return errors.Join(errs...)
}

// restore gives one service account its recorded state back and removes
// the directory the edit's new home made. An account that is gone, or of
// another id, has nothing to restore.
func (s *Service) restore(ctx context.Context, acct *hosting.Account, was state) error {
	b := s.backend(was.Service)
	if b == nil {
		return nil
	}
	sa, err := b.get(ctx, acct, was.User, was.Domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND || (err == nil && sa.id != was.ID) {
		return nil
	} else if err != nil {
		return err
	}
	if cur := sa.stored; (cur.Hash != was.Hash || cur.HA1 != was.HA1) && !was.restoresCredentials(cur.Hash, cur.HA1) {
		s.log.InfoContext(ctx, "usermanager: roll-back keeps a password changed since the edit", "account", acct.Name,
			"service", sa.service, "login", sa.name())
	}
	to := was.restoreTo(sa.stored.settings)
	if to != was.settings {
		s.log.InfoContext(ctx, "usermanager: roll-back keeps settings changed since the edit", "account", acct.Name,
			"service", sa.service, "login", sa.name(), "settings", to)
	}
	if err := b.restore(ctx, acct, sa, was); err != nil {
		return err
	}
	if was.Dir == "" || to.HomeDir == was.Dir || strings.HasPrefix(to.HomeDir, was.Dir+"/") {
		return nil // the home it has now is in what was thought new: keep it
	}
	return s.removeDir(ctx, acct, was.Dir)
}

// completeEdit finishes a committed edit: the Subaccount row gets its
// update, and the services disabled are deleted and unlinked. It is
// idempotent.
func (s *Service) completeEdit(ctx context.Context, acct *hosting.Account, rec *steps) ([]string, error) {
	sub, err := s.store.FindSubaccountByGUID(ctx, acct.ID, rec.GUID)
	switch {
	case hosting.ErrorCode(err) == hosting.ENOTFOUND:
		// Deleted since: its delete removes its services.
	case err != nil:
		return nil, err
	case rec.Sub != nil:
		if err := s.store.UpdateSubaccount(ctx, sub.ID, *rec.Sub); err != nil {
			return nil, err
		}
	}
	warnings, err := s.removeAccounts(ctx, acct, rec.Removals)
	if err != nil {
		return warnings, err
	}
	return warnings, s.unlink(ctx, acct, rec.Removals)
}

// unlink deletes the links to the listed service accounts that still
// point at their ids.
func (s *Service) unlink(ctx context.Context, acct *hosting.Account, refs []accountRef) error {
	for _, r := range refs {
		anns, err := s.store.FindServiceAnnotations(ctx, acct.ID, r.User, r.Domain)
		if err != nil {
			return err
		}
		for _, a := range anns {
			if a.Service != r.Service || a.ServiceID != r.ID {
				continue
			}
			if _, err := s.store.DeleteServiceAnnotation(ctx, acct.ID, r.Service, r.User, r.Domain); err != nil {
				return err
			}
		}
	}
	return nil
}
