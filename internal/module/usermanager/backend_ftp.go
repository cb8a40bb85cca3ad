package usermanager

import (
	"context"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/ftp"
)

// ftpBackend adapts the Ftp module's service.
type ftpBackend struct{ svc FTPService }

func (b *ftpBackend) service() string { return hosting.ServiceFTP }

// list returns the special logins first, then the virtual ones.
func (b *ftpBackend) list(ctx context.Context, acct *hosting.Account) ([]*serviceAccount, error) {
	fs, err := b.svc.List(ctx, acct)
	if err != nil {
		return nil, err
	}
	out := make([]*serviceAccount, 0, len(fs)+2)
	out = append(out, specialFTP(acct)...)
	for _, f := range fs {
		out = append(out, ftpAccount(f))
	}
	return out, nil
}

func (b *ftpBackend) get(ctx context.Context, acct *hosting.Account, user, domain string) (*serviceAccount, error) {
	for _, sa := range specialFTP(acct) {
		if sa.user == strings.ToLower(user) && sa.domain == strings.ToLower(domain) {
			return sa, nil
		}
	}
	f, err := b.svc.Get(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	return ftpAccount(f), nil
}

func (b *ftpBackend) dir(req createRequest) string { return deref(req.opts.homedir) }

func (b *ftpBackend) create(ctx context.Context, acct *hosting.Account, req createRequest) (*serviceAccount, []string, error) {
	add := ftp.AddRequest{User: req.user, Domain: req.domain, Password: req.plain, HomeDir: deref(req.opts.homedir)}
	if req.plain == "" {
		add.PassHash = req.hash
	}
	if req.opts.quotaMB != nil {
		add.QuotaMB = *req.opts.quotaMB
	}
	f, err := b.svc.AddFTP(ctx, acct, add)
	if err != nil {
		return nil, nil, err
	}
	return ftpAccount(f), nil, nil
}

func (b *ftpBackend) update(ctx context.Context, acct *hosting.Account, sa *serviceAccount, opts options, pw newPassword) ([]string, error) {
	if opts.quotaMB != nil {
		if err := b.svc.SetQuota(ctx, acct, sa.user, sa.domain, *opts.quotaMB); err != nil {
			return nil, err
		}
	}
	if opts.homedir != nil && *opts.homedir != deref(sa.ftp.Homedir) {
		if err := b.svc.SetHomedir(ctx, acct, sa.user, sa.domain, *opts.homedir); err != nil {
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

func (b *ftpBackend) after(sa *serviceAccount, o options) settings {
	s := sa.stored.settings
	if o.quotaMB != nil {
		s.QuotaMB = *o.quotaMB
	}
	if o.homedir != nil {
		s.HomeDir = *o.homedir
	}
	return s
}

func (b *ftpBackend) restore(ctx context.Context, acct *hosting.Account, sa *serviceAccount, was state) error {
	cur := sa.stored.settings
	to := was.restoreTo(cur)
	if cur.QuotaMB != to.QuotaMB {
		if err := b.svc.SetQuota(ctx, acct, sa.user, sa.domain, to.QuotaMB); err != nil {
			return err
		}
	}
	if cur.HomeDir != to.HomeDir {
		if err := b.svc.SetHomedir(ctx, acct, sa.user, sa.domain, to.HomeDir); err != nil {
			return err
		}
	}
	if was.restoresCredentials(sa.hash, was.HA1) {
		return b.svc.SetPasswordHash(ctx, acct, sa.user, sa.domain, was.Hash)
	}
	return nil
}

// remove deletes the login and closes its sessions but keeps its files, as
// deleting a user in cPanel's User Manager does.
func (b *ftpBackend) remove(ctx context.Context, acct *hosting.Account, sa *serviceAccount) ([]string, error) {
	return b.svc.DeleteFTP(ctx, acct, sa.user, sa.domain, false)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
