package usermanager

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/uapi"
)

const createFailed = "The system failed to create the user: "

func (s *Service) createUser(ctx context.Context, c *uapi.Call) (any, error) {
	req, err := parseUserRequest(c)
	if err != nil {
		return nil, err
	}
	if err := s.checkCreate(c.Account, req); err != nil {
		return nil, prefixed(createFailed, err)
	}
	warnings, err := s.create(ctx, c.Account, req)
	report(c, req, warnings)
	if err != nil {
		return nil, err
	}
	g, err := s.loadGroup(ctx, c.Account, req.user, req.domain)
	if err != nil {
		return nil, err
	}
	return s.builder(c.Account).lookupRecord(g), nil
}

// checkCreate applies the rules that span fields: a password, a hash or an
// invitation; an address to invite; what each enabled service needs.
func (s *Service) checkCreate(acct *hosting.Account, req *userRequest) error {
	switch {
	case req.plain == "" && req.hash == "" && !req.invite:
		return hosting.Errorf(hosting.EINVALID, "You must provide the following mandatory field: password")
	case req.plain != "" && req.hash != "":
		return hosting.Errorf(hosting.EINVALID, "You may not specify both the “password” and the “password_hash” parameters.")
	case req.hash != "" && !password.IsHash(req.hash):
		return hosting.Errorf(hosting.EINVALID, "The “password_hash” parameter is not a password hash the system can verify (for example “$6$…” SHA-512 crypt).")
	case req.invite && deref(req.contact.altEmail) == "":
		return hosting.Errorf(hosting.EINVALID, "You must provide the following mandatory field: alternate_email")
	case req.invite && !s.invitesEnabled():
		return invitesDisabled()
	}
	for _, svc := range hosting.SubaccountServices() {
		if o := req.services[svc]; deref(o.enabled) {
			if err := s.checkNewService(acct, svc, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// create stores the Subaccount with an intent, creates and links its
// services, and mails the invitation, all or nothing: when a step fails,
// the services created so far and the Subaccount are removed again, and
// when the process dies the reconciler does the same (see intent.go).
func (s *Service) create(ctx context.Context, acct *hosting.Account, req *userRequest) (warnings []string, err error) {
	if _, err := s.store.FindSubaccount(ctx, acct.ID, req.user, req.domain); err == nil {
		return nil, alreadyExists(req.user, req.domain)
	} else if hosting.ErrorCode(err) != hosting.ENOTFOUND {
		return nil, err
	}
	sub, plain, token, err := s.newSubaccount(acct, req)
	if err != nil {
		return nil, err
	}
	rec := &steps{GUID: sub.GUID, User: sub.User, Domain: strings.ToLower(sub.Domain)}
	in, err := s.journal.Begin(kindCreate, acct.ID, rec)
	if err != nil {
		return nil, err
	}
	defer s.journal.Release(in)
	if err := s.store.CreateSubaccountIntent(ctx, sub, in); hosting.ErrorCode(err) == hosting.ECONFLICT {
		return nil, alreadyExists(req.user, req.domain)
	} else if err != nil {
		return nil, prefixed(createFailed, err)
	}
	defer func() {
		if err != nil {
			s.undo(ctx, acct, in, rec, func(ctx context.Context) error { return s.rollBack(ctx, acct, rec, true) })
		}
	}()
	for _, b := range s.backends {
		o := req.services[b.service()]
		if !deref(o.enabled) {
			continue
		}
		cr := createRequest{user: sub.User, domain: sub.Domain, plain: plain, hash: sub.PasswordHash, opts: o}
		w, err := s.addService(ctx, acct, sub, b, cr, in, rec)
		if err != nil {
			return nil, servicesFailed(sub, err)
		}
		warnings = append(warnings, w...)
	}
	if token != "" {
		if err := s.mailInvite(ctx, sub, *sub.AlternateEmail, token); err != nil {
			return nil, prefixed(createFailed, err)
		}
	}
	s.finish(ctx, in)
	s.log.InfoContext(ctx, "subaccount created", "account", acct.Name, "user", sub.FullUsername(), "invite", token != "")
	return warnings, nil
}

// undo rolls a failed create or edit back with rollBack and finishes its
// intent; what it cannot undo stays with the intent for the reconciler,
// which gets rec again first, in case recording a step's id failed.
func (s *Service) undo(ctx context.Context, acct *hosting.Account, in *hosting.Intent, rec *steps, rollBack func(context.Context) error) {
	ctx = context.WithoutCancel(ctx)
	if err := rollBack(ctx); err != nil {
		s.log.ErrorContext(ctx, "usermanager: undo after a failed change; the reconciler will retry", "err", err,
			"account", acct.Name)
		if err := s.journal.Update(ctx, in, rec); err != nil {
			s.log.ErrorContext(ctx, "usermanager: record a failed undo for the reconciler", "err", err, "account", acct.Name)
		}
		return
	}
	s.finish(ctx, in)
}

// finish deletes the intent of a change that is done. If that fails the
// reconciler rolls the change back later (a create or enable) or finds
// nothing left to do (a delete); either way the caller learns nothing
// different now, so the failure is only logged.
func (s *Service) finish(ctx context.Context, in *hosting.Intent) {
	if err := s.journal.Finish(ctx, in); err != nil {
		s.log.ErrorContext(ctx, "usermanager: finish change", "err", err)
	}
}

// newSubaccount builds the row to store and returns the plain password the
// services get ("" when they get the hash) and the invitation secret ("" for
// none). An invitation without a password gets a random one, which nobody
// knows until the invitation is accepted.
func (s *Service) newSubaccount(acct *hosting.Account, req *userRequest) (sub *hosting.Subaccount, plain, token string, err error) {
	sub = &hosting.Subaccount{AccountID: acct.ID, User: req.user, Domain: req.domain, SyncedPassword: true,
		GUID: newGUID(s.cfg.Hostname, req.user, req.domain, s.now().Unix()), PasswordHash: req.hash,
		RealName: nonEmpty(req.contact.realName), AlternateEmail: nonEmpty(req.contact.altEmail),
		PhoneNumber: nonEmpty(req.contact.phone), AvatarURL: nonEmpty(req.contact.avatar)}
	plain = req.plain
	if req.hash == "" {
		if plain == "" {
			plain = rand.Text()
		}
		if sub.PasswordHash, err = password.Hash(plain); err != nil {
			return nil, "", "", fmt.Errorf("usermanager: hash password: %w", err)
		}
	}
	if req.invite {
		inv, t := s.newInvite()
		sub.InviteHash, sub.InviteExpires, token = inv.Hash, &inv.Expires, t
	}
	return sub, plain, token, nil
}

// addService records the step in the intent, creates one service account
// of sub and links it.
func (s *Service) addService(ctx context.Context, acct *hosting.Account, sub *hosting.Subaccount, b backend, cr createRequest, in *hosting.Intent, rec *steps) ([]string, error) {
	if cr.plain != "" {
		cr.hash = ""
	}
	if err := s.beginStep(ctx, acct, in, rec, b, cr); err != nil {
		return nil, err
	}
	sa, warnings, err := b.create(ctx, acct, cr)
	if err != nil {
		rec.Steps[len(rec.Steps)-1].failed = true
		return nil, err
	}
	// The id goes into the intent before anything else can fail: a
	// roll-back then deletes this account only, never one of the name
	// made later. If recording fails, the undo still knows it.
	rec.Steps[len(rec.Steps)-1].ID = sa.id
	if err := s.journal.Update(ctx, in, rec); err != nil {
		return nil, err
	}
	if err := s.link(ctx, acct, sub, sa); err != nil {
		return nil, err
	}
	return warnings, nil
}

// link ties a service account to sub.
func (s *Service) link(ctx context.Context, acct *hosting.Account, sub *hosting.Subaccount, sa *serviceAccount) error {
	return s.store.PutServiceAnnotation(ctx, &hosting.ServiceAnnotation{AccountID: acct.ID, Service: sa.service,
		User: sa.user, Domain: sa.domain, ServiceID: sa.id, OwnerGUID: sub.GUID})
}

// alreadyExists is cPanel's typed AlreadyExists error: the text, and the
// type in data for scripts that test it.
func alreadyExists(user, domain string) error {
	return &uapi.DataError{
		Err:  hosting.Errorf(hosting.ECONFLICT, "%sThe user “%s” at the domain “%s” already exists.", createFailed, user, domain),
		Data: map[string]string{"type": "AlreadyExists"},
	}
}

func servicesFailed(sub *hosting.Subaccount, err error) error {
	return prefixed(fmt.Sprintf("The system failed to set up services for the user “%s” at the domain “%s”: ", sub.User, sub.Domain), err)
}

// newGUID makes a stored Subaccount's GUID (see guids) from fresh
// randomness.
func newGUID(host, user, domain string, unix int64) string {
	sum := sha256.Sum256([]byte(host + "\n" + TypeSub + "\n" + rand.Text()))
	return strings.ToUpper(fmt.Sprintf("%s:%s:%x:%s", user, domain, unix, hex.EncodeToString(sum[:])))
}

// nonEmpty turns a given-but-empty field into unset, for new users.
func nonEmpty(p *string) *string {
	if p == nil || *p == "" {
		return nil
	}
	return p
}

// report passes the services' warnings on, and says that the welcome mail
// asked for is not sent.
func report(c *uapi.Call, req *userRequest, warnings []string) {
	for _, w := range warnings {
		c.AddWarning(w)
	}
	if req.services[hosting.ServiceEmail].welcome {
		c.AddMessage("uapid sends no client configuration mail: “services.email.send_welcome_email” has no effect.")
	}
}
