package usermanager

import (
	"context"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/email"
)

// emailBackend adapts the Email module's service.
type emailBackend struct{ svc EmailService }

func (b *emailBackend) service() string { return hosting.ServiceEmail }

func (b *emailBackend) list(ctx context.Context, acct *hosting.Account) ([]*serviceAccount, error) {
	es, err := b.svc.ListMailboxes(ctx, acct)
	if err != nil {
		return nil, err
	}
	out := make([]*serviceAccount, 0, len(es))
	for _, e := range es {
		out = append(out, emailAccount(e))
	}
	return out, nil
}

func (b *emailBackend) get(ctx context.Context, acct *hosting.Account, user, domain string) (*serviceAccount, error) {
	e, err := b.svc.GetMailbox(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	return emailAccount(e), nil
}

func (b *emailBackend) dir(req createRequest) string {
	return hosting.MaildirPath(strings.ToLower(req.user), strings.ToLower(req.domain))
}

// create makes the mailbox with the quota given or the configured default.
// uapid sends no client-configuration mail, so send_welcome_email has no
// effect.
func (b *emailBackend) create(ctx context.Context, acct *hosting.Account, req createRequest) (*serviceAccount, []string, error) {
	add := email.AddRequest{User: req.user, Domain: req.domain, Password: req.plain, QuotaMB: email.UseDefaultQuota}
	if req.plain == "" {
		add.PasswordHash = req.hash
	}
	if req.opts.quotaMB != nil {
		add.QuotaMB = *req.opts.quotaMB
	}
	e, err := b.svc.AddMailbox(ctx, acct, add)
	if err != nil {
		return nil, nil, err
	}
	return emailAccount(e), nil, nil
}

func (b *emailBackend) update(ctx context.Context, acct *hosting.Account, sa *serviceAccount, o options, pw newPassword) ([]string, error) {
	if o.quotaMB != nil && *o.quotaMB != deref(sa.email.Quota) {
		if _, err := b.svc.SetQuota(ctx, acct, sa.user, sa.domain, *o.quotaMB); err != nil {
			return nil, err
		}
	}
	switch {
	case pw.hash != "":
		return nil, b.svc.SetPasswordHash(ctx, acct, sa.user, sa.domain, pw.hash)
	case pw.plain != "":
		return nil, b.svc.SetPassword(ctx, acct, sa.user, sa.domain, pw.plain)
	}
	return nil, nil
}

// after applies the quota as the Email service does (its maximum).
func (b *emailBackend) after(sa *serviceAccount, o options) settings {
	s := sa.stored.settings
	if o.quotaMB != nil && *o.quotaMB != s.QuotaMB {
		s.QuotaMB = b.svc.AppliedQuota(*o.quotaMB)
	}
	return s
}

func (b *emailBackend) restore(ctx context.Context, acct *hosting.Account, sa *serviceAccount, was state) error {
	if to := was.restoreTo(sa.stored.settings); to.QuotaMB != sa.stored.QuotaMB {
		if _, err := b.svc.SetQuota(ctx, acct, sa.user, sa.domain, to.QuotaMB); err != nil {
			return err
		}
	}
	if was.restoresCredentials(sa.hash, was.HA1) {
		return b.svc.SetPasswordHash(ctx, acct, sa.user, sa.domain, was.Hash)
	}
	return nil
}

// remove deletes the mailbox but keeps its maildir (delete_pop's
// flags=passwd): deleting a user must not destroy mail, and a mailbox of the
// same name created later finds it again.
func (b *emailBackend) remove(ctx context.Context, acct *hosting.Account, sa *serviceAccount) ([]string, error) {
	return b.svc.DeleteMailbox(ctx, acct, sa.user, sa.domain, true)
}
