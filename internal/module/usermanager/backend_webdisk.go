package usermanager

import (
	"context"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/webdisk"
)

// webDiskBackend adapts the WebDisk module's service.
type webDiskBackend struct{ svc WebDiskService }

func (b *webDiskBackend) service() string { return hosting.ServiceWebDisk }

func (b *webDiskBackend) list(ctx context.Context, acct *hosting.Account) ([]*serviceAccount, error) {
	ws, err := b.svc.List(ctx, acct)
	if err != nil {
		return nil, err
	}
	out := make([]*serviceAccount, 0, len(ws))
	for _, w := range ws {
		out = append(out, webDiskAccount(w))
	}
	return out, nil
}

func (b *webDiskBackend) get(ctx context.Context, acct *hosting.Account, user, domain string) (*serviceAccount, error) {
	w, err := b.svc.Get(ctx, acct, user, domain)
	if err != nil {
		return nil, err
	}
	return webDiskAccount(w), nil
}

func (b *webDiskBackend) dir(req createRequest) string { return deref(req.opts.homedir) }

func (b *webDiskBackend) create(ctx context.Context, acct *hosting.Account, req createRequest) (*serviceAccount, []string, error) {
	o := req.opts
	add := webdisk.AddRequest{User: req.user, Domain: req.domain, Password: req.plain, HomeDir: deref(o.homedir),
		Perms: deref(o.perms), Private: deref(o.private), EnableDigest: deref(o.digest)}
	if req.plain == "" {
		if add.EnableDigest {
			return nil, nil, digestNeedsPassword()
		}
		add.PassHash = req.hash
	}
	w, warnings, err := b.svc.Add(ctx, acct, add)
	if err != nil {
		return nil, nil, err
	}
	return webDiskAccount(w), warnings, nil
}

// update changes permissions, then the directory, then the password and
// Digest authentication, which share one credential change.
func (b *webDiskBackend) update(ctx context.Context, acct *hosting.Account, sa *serviceAccount, o options, pw newPassword) ([]string, error) {
	cur := sa.webDisk
	if o.perms != nil && *o.perms != deref(cur.Perms) {
		if err := b.svc.SetPermissions(ctx, acct, sa.user, sa.domain, *o.perms); err != nil {
			return nil, err
		}
	}
	var warnings []string
	if (o.homedir != nil && *o.homedir != deref(cur.Homedir)) || (o.private != nil && b2i(*o.private) != deref(cur.Private)) {
		home, private := deref(cur.Homedir), deref(cur.Private) == 1
		if o.homedir != nil {
			home = *o.homedir
		}
		if o.private != nil {
			private = *o.private
		}
		w, err := b.svc.SetHomedir(ctx, acct, sa.user, sa.domain, home, private)
		if err != nil {
			return nil, err
		}
		warnings = w
	}
	digest := deref(cur.EnableDigest) == 1
	switch {
	case pw.plain != "":
		return warnings, b.svc.SetPasswordWithHash(ctx, acct, sa.user, sa.domain, pw.plain, pw.hash, deref(o.digest) || (o.digest == nil && digest))
	case o.digest != nil && *o.digest && !digest:
		return warnings, digestNeedsPassword()
	case o.digest != nil && !*o.digest && digest:
		return warnings, b.svc.SetPasswordHash(ctx, acct, sa.user, sa.domain, sa.hash, "")
	}
	return warnings, nil
}

func (b *webDiskBackend) after(sa *serviceAccount, o options) settings {
	s := sa.stored.settings
	if o.perms != nil {
		s.Perms = *o.perms
	}
	if o.homedir != nil {
		s.HomeDir = *o.homedir
	}
	if o.private != nil {
		s.Private = *o.private
	}
	return s
}

func (b *webDiskBackend) restore(ctx context.Context, acct *hosting.Account, sa *serviceAccount, was state) error {
	cur := sa.stored
	to := was.restoreTo(cur.settings)
	if cur.Perms != to.Perms {
		if err := b.svc.SetPermissions(ctx, acct, sa.user, sa.domain, to.Perms); err != nil {
			return err
		}
	}
	if cur.HomeDir != to.HomeDir || cur.Private != to.Private {
		if _, err := b.svc.SetHomedir(ctx, acct, sa.user, sa.domain, to.HomeDir, to.Private); err != nil {
			return err
		}
	}
	if was.restoresCredentials(cur.Hash, cur.HA1) {
		return b.svc.SetPasswordHash(ctx, acct, sa.user, sa.domain, was.Hash, was.HA1)
	}
	return nil
}

// remove deletes the login and closes its connections but keeps its
// directory.
func (b *webDiskBackend) remove(ctx context.Context, acct *hosting.Account, sa *serviceAccount) ([]string, error) {
	return b.svc.Delete(ctx, acct, sa.user, sa.domain, false)
}

// digestNeedsPassword: Digest authentication stores a hash of the password
// itself, which cannot be made from the crypt(3) hash a Subaccount keeps.
func digestNeedsPassword() error {
	return hosting.Errorf(hosting.EINVALID, "Web Disk Digest Authentication needs the user’s password: provide the “password” parameter with “services.webdisk.enabledigest”.")
}
