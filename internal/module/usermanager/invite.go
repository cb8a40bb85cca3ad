package usermanager

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/password"
)

// InvitePath is where, below Config.InviteBaseURL, invitation links point;
// the secret follows in the "token" query parameter. The web interface
// serves the page there and calls AcceptInvite.
const InvitePath = "/invitation"

func (s *Service) invitesEnabled() bool { return s.mailer != nil && s.cfg.InviteBaseURL != "" }

func invitesDisabled() error {
	return hosting.Errorf(hosting.EINVALID, "This server does not send account invitations: ask the administrator to configure an SMTP relay and the invitation URL.")
}

// newInvite returns a fresh invitation (to store) and its secret (to mail).
func (s *Service) newInvite() (hosting.SubaccountInvite, string) {
	token, hash := invite.NewToken()
	return hosting.SubaccountInvite{Hash: hash, Expires: s.now().Add(s.cfg.InviteTTL).UTC().Truncate(1e9)}, token
}

// inviteLink is the address an invitation mail points at.
func (s *Service) inviteLink(token string) string {
	return strings.TrimRight(s.cfg.InviteBaseURL, "/") + InvitePath + "?token=" + url.QueryEscape(token)
}

// mailInvite sends sub's invitation with secret token to the address to.
func (s *Service) mailInvite(ctx context.Context, sub *hosting.Subaccount, to, token string) error {
	inv := invite.Invitation{FullUsername: sub.FullUsername(), Link: s.inviteLink(token), Expires: *sub.InviteExpires}
	if err := s.mailer.Send(ctx, to, inv.Message()); err != nil {
		s.log.ErrorContext(ctx, "send invitation", "user", sub.FullUsername(), "err", err)
		return hosting.Errorf(hosting.EINVALID, "The system could not send the invitation to “%s”: the mail relay refused it or could not be reached.", to)
	}
	s.log.InfoContext(ctx, "invitation sent", "user", sub.FullUsername(), "expires", sub.InviteExpires.Unix())
	return nil
}

// reinvite replaces sub's invitation with a fresh one and mails it; if the
// mail cannot be sent, the new invitation is withdrawn again.
func (s *Service) reinvite(ctx context.Context, sub *hosting.Subaccount, to string) error {
	inv, token := s.newInvite()
	if err := s.store.UpdateSubaccount(ctx, sub.ID, hosting.SubaccountUpdate{Invite: &inv}); err != nil {
		return err
	}
	sub.InviteHash, sub.InviteExpires = inv.Hash, &inv.Expires
	if err := s.mailInvite(ctx, sub, to, token); err != nil {
		clear := hosting.SubaccountInvite{}
		if uerr := s.store.UpdateSubaccount(context.WithoutCancel(ctx), sub.ID, hosting.SubaccountUpdate{Invite: &clear}); uerr != nil {
			s.log.ErrorContext(ctx, "withdraw unsent invitation", "user", sub.FullUsername(), "err", uerr)
		}
		return err
	}
	return nil
}

// AcceptInvite sets the password of the Subaccount an invitation link was
// mailed for, on the Subaccount and on every service account linked to it,
// and uses the invitation up. token is the link's secret. Returns the
// Subaccount; ENOTFOUND for an unknown or used invitation, EINVALID for an
// expired one or an empty password. If a service account cannot take the
// password, the error says so and the Subaccount is marked as not synced.
func (s *Service) AcceptInvite(ctx context.Context, token, plain string) (*hosting.Subaccount, error) {
	if plain == "" {
		return nil, hosting.Errorf(hosting.EINVALID, "Choose a password.")
	}
	hash, err := password.Hash(plain)
	if err != nil {
		return nil, fmt.Errorf("usermanager: hash password: %w", err)
	}
	sub, err := s.store.AcceptInvite(ctx, invite.HashToken(token), s.now(), hash)
	if err != nil {
		return nil, err
	}
	acct, err := s.accounts.FindAccountByID(ctx, sub.AccountID)
	if err != nil {
		return nil, err
	}
	if err := s.syncPassword(ctx, acct, sub, plain); err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "invitation accepted", "account", acct.Name, "user", sub.FullUsername())
	return sub, nil
}

// syncPassword gives every service account linked to sub the password
// plain; on failure sub is marked not synced.
func (s *Service) syncPassword(ctx context.Context, acct *hosting.Account, sub *hosting.Subaccount, plain string) error {
	g, err := s.loadGroup(ctx, acct, sub.User, sub.Domain)
	if err != nil {
		return err
	}
	var errs []error
	for _, sa := range g.linkedAccounts() {
		if _, err := s.backend(sa.service).update(ctx, acct, sa, options{}, newPassword{plain: plain}); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	synced := false
	sub.SyncedPassword = false
	if err := s.store.UpdateSubaccount(ctx, sub.ID, hosting.SubaccountUpdate{SyncedPassword: &synced}); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
