package usermanager

import (
	"context"
	"fmt"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/uapi"
)

const editFailed = "The system failed to edit the user: "

func (s *Service) editUser(ctx context.Context, c *uapi.Call) (any, error) {
	req, err := parseUserRequest(c)
	if err != nil {
		return nil, err
	}
	if _, ok := c.Raw("password_hash"); ok {
		// Not declared for edit_user (SPEC: create_user only): a hash
		// cannot give Web Disk its Digest hash, so it could not reach
		// every service.
		return nil, hosting.Errorf(hosting.EINVALID, "%sedit_user does not take “password_hash”: use “password”.", editFailed)
	}
	sub, err := s.store.FindSubaccount(ctx, c.Account.ID, req.user, req.domain)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		return nil, hosting.Errorf(hosting.ENOTFOUND, "The user “%s” at domain “%s” does not exist.", req.user, req.domain)
	} else if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, c.Account, req.user, req.domain)
	if err != nil {
		return nil, err
	}
	warnings, err := s.edit(ctx, c.Account, sub, g, req)
	report(c, req, warnings)
	if err != nil {
		return nil, err
	}
	if g, err = s.loadGroup(ctx, c.Account, req.user, req.domain); err != nil {
		return nil, err
	}
	return s.builder(c.Account).lookupRecord(g), nil
}

// checkEdit applies the rules that span fields.
func (s *Service) checkEdit(acct *hosting.Account, req *userRequest, sub *hosting.Subaccount, linked map[string]*serviceAccount) error {
	switch {
	case req.invite && deref(req.contact.altEmail) == "" && (req.contact.altEmail != nil || deref(sub.AlternateEmail) == ""):
		return hosting.Errorf(hosting.EINVALID, "You must provide the following mandatory field: alternate_email")
	case req.invite && !s.invitesEnabled():
		return invitesDisabled()
	}
	for _, svc := range hosting.SubaccountServices() {
		if o := req.services[svc]; deref(o.enabled) && linked[svc] == nil {
			if err := s.checkNewService(acct, svc, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// edit changes sub all or nothing, across crashes too (see intent.go):
// an intent records the services it will update as they are and those it
// disables; services to enable are created, then the linked ones updated,
// and if anything fails (or the process dies) so far, everything is put
// back. Then the intent is marked committed with the Subaccount's update,
// and the row is updated and the disabled services deleted, which a repair
// completes if the process dies. The invitation goes last.
func (s *Service) edit(ctx context.Context, acct *hosting.Account, sub *hosting.Subaccount, g *group, req *userRequest) (warnings []string, err error) {
	linked := g.linkedAccounts()
	if err := s.checkEdit(acct, req, sub, linked); err != nil {
		return nil, prefixed(editFailed, err)
	}
	var newHash string
	if req.plain != "" {
		if newHash, err = password.Hash(req.plain); err != nil {
			return nil, fmt.Errorf("usermanager: hash password: %w", err)
		}
	}
	rec := &steps{GUID: sub.GUID, User: sub.User, Domain: sub.Domain}
	if err := s.planEdit(acct, rec, linked, req, newHash); err != nil {
		return nil, err
	}
	var in *hosting.Intent
	if rec.touches() || enabling(linked, req) {
		if in, err = s.journal.Begin(kindEdit, acct.ID, rec); err != nil {
			return nil, err
		}
		defer s.journal.Release(in)
		if err := s.journal.Record(ctx, in); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil && !rec.Committed {
			s.undo(ctx, acct, in, rec, func(ctx context.Context) error { return s.rollBackEdit(ctx, acct, rec) })
		}
	}()
	if warnings, err = s.enableServices(ctx, acct, sub, linked, req, in, rec); err != nil {
		return warnings, servicesFailed(sub, err)
	}
	w, err := s.changeServices(ctx, acct, linked, req, newPassword{plain: req.plain, hash: newHash})
	warnings = append(warnings, w...)
	if err != nil {
		return warnings, prefixed(editFailed, err)
	}
	w, err = s.commitEdit(ctx, acct, in, rec, subUpdate(sub, staying(linked, rec), req, newHash))
	warnings = append(warnings, w...)
	if err != nil {
		return warnings, prefixed(editFailed, err)
	}
	if req.invite {
		to := deref(sub.AlternateEmail)
		if req.contact.altEmail != nil {
			to = *req.contact.altEmail
		}
		return warnings, prefixed(editFailed, s.reinvite(ctx, sub, to))
	}
	return warnings, nil
}

// commitEdit marks the edit committed with the Subaccount's update, then
// completes it. A failure after the mark leaves the intent to the
// reconciler, which completes the edit.
func (s *Service) commitEdit(ctx context.Context, acct *hosting.Account, in *hosting.Intent, rec *steps, upd hosting.SubaccountUpdate) ([]string, error) {
	rec.Sub = &upd
	rec.Committed = true
	if err := s.journal.Update(ctx, in, rec); err != nil {
		rec.Committed = false
		return nil, err
	}
	warnings, err := s.completeEdit(ctx, acct, rec)
	if err != nil {
		return warnings, err
	}
	s.finish(ctx, in)
	return warnings, nil
}

// staying returns the linked services that an edit recorded in rec keeps.
func staying(linked map[string]*serviceAccount, rec *steps) map[string]*serviceAccount {
	out := make(map[string]*serviceAccount, len(linked))
	for svc, sa := range linked {
		out[svc] = sa
	}
	for _, r := range rec.Removals {
		delete(out, r.Service)
	}
	return out
}

// enabling reports whether req turns on a service sub does not have.
func enabling(linked map[string]*serviceAccount, req *userRequest) bool {
	for svc, o := range req.services {
		if deref(o.enabled) && linked[svc] == nil {
			return true
		}
	}
	return false
}

// enableServices creates and links the services being enabled, with the
// new password or else the Subaccount's hash, recording each step in rec.
func (s *Service) enableServices(ctx context.Context, acct *hosting.Account, sub *hosting.Subaccount, linked map[string]*serviceAccount, req *userRequest, in *hosting.Intent, rec *steps) ([]string, error) {
	var warnings []string
	for _, b := range s.backends {
		if o := req.services[b.service()]; deref(o.enabled) && linked[b.service()] == nil {
			cr := createRequest{user: sub.User, domain: sub.Domain, plain: req.plain, hash: sub.PasswordHash, opts: o}
			w, err := s.addService(ctx, acct, sub, b, cr, in, rec)
			if err != nil {
				return warnings, err
			}
			warnings = append(warnings, w...)
		}
	}
	return warnings, nil
}

// changeServices updates the linked services that stay enabled, giving
// each the password's one hash pw.hash, which the intent recorded. Those
// being disabled are deleted later, when the edit is committed.
func (s *Service) changeServices(ctx context.Context, acct *hosting.Account, linked map[string]*serviceAccount, req *userRequest, pw newPassword) ([]string, error) {
	for _, b := range s.backends {
		sa, o := linked[b.service()], req.services[b.service()]
		if sa != nil && ((o.enabled != nil && !*o.enabled) || o.changes() || req.plain != "") {
			if err := checkServiceFeature(acct, sa.service); err != nil {
				return nil, err
			}
		}
	}
	var warnings []string
	for _, b := range s.backends {
		sa, o := linked[b.service()], req.services[b.service()]
		if sa == nil || (o.enabled != nil && !*o.enabled) || (!o.changes() && req.plain == "") {
			continue
		}
		w, err := b.update(ctx, acct, sa, o, pw)
		warnings = append(warnings, w...)
		if err != nil {
			return warnings, err
		}
	}
	return warnings, nil
}

// subUpdate is the change to the Subaccount row: the contact fields given
// (empty ones stored empty), and the password's new hash ("" for none).
// Without a new password the user is synced when every remaining linked
// service has its hash (services just created from the hash have it).
func subUpdate(sub *hosting.Subaccount, linked map[string]*serviceAccount, req *userRequest, newHash string) hosting.SubaccountUpdate {
	upd := hosting.SubaccountUpdate{RealName: req.contact.realName, AlternateEmail: req.contact.altEmail,
		PhoneNumber: req.contact.phone, AvatarURL: req.contact.avatar}
	synced := true
	if newHash != "" {
		upd.PasswordHash = &newHash
	} else {
		for _, sa := range linked {
			synced = synced && sa.hash == sub.PasswordHash
		}
		synced = synced || sub.SyncedPassword
	}
	upd.SyncedPassword = &synced
	return upd
}
