package usermanager

import (
	"context"

	"github.com/uapid/uapid/internal/hosting"
)

// backend puts one kind of service account (email, FTP, Web Disk) behind
// one face, so that creating, editing, deleting and merging users loop over
// services instead of repeating themselves three times. Each backend is a
// thin adapter over the module that owns the accounts, which validates,
// stores, touches files and closes live sessions itself.
type backend interface {
	service() string
	// list returns the account's service accounts ordered by login.
	list(ctx context.Context, acct *hosting.Account) ([]*serviceAccount, error)
	// get returns one service account or ENOTFOUND.
	get(ctx context.Context, acct *hosting.Account, user, domain string) (*serviceAccount, error)
	// dir returns the directory, relative to the home, that creating the
	// service account of req may make ("" for none).
	dir(req createRequest) string
	// create makes a service account with a plain password or a hash.
	create(ctx context.Context, acct *hosting.Account, req createRequest) (*serviceAccount, []string, error)
	// update applies the options given and, when pw.plain is not "", the
	// password.
	update(ctx context.Context, acct *hosting.Account, sa *serviceAccount, opts options, pw newPassword) ([]string, error)
	// after returns the settings sa has once update applied opts, as the
	// service stores them, for the edit's intent (state.After).
	after(sa *serviceAccount, opts options) settings
	// restore puts back the settings of was (its earlier state) that sa
	// no longer has, for rolling an interrupted edit back; a setting
	// changed since the edit stays (state.restoreTo).
	restore(ctx context.Context, acct *hosting.Account, sa *serviceAccount, was state) error
	// remove deletes the service account; its files stay.
	remove(ctx context.Context, acct *hosting.Account, sa *serviceAccount) ([]string, error)
}

// createRequest names a new service account of a Subaccount. Exactly one of
// plain and hash is set: the Subaccount's password when the caller gave
// one, its stored hash otherwise.
type createRequest struct {
	user, domain string
	plain, hash  string
	opts         options
}

// newPassword is a password to give service accounts: plain, and its
// crypt(3) hash when the caller made it ("" lets each service make its
// own). An edit makes it, so that its intent records the hash every
// service stores (state.NewHash).
type newPassword struct {
	plain, hash string
}

// options are the services.SERVICE.* arguments of create_user and
// edit_user; nil means not given.
type options struct {
	enabled *bool
	quotaMB *int64
	homedir *string
	perms   *string
	private *bool
	digest  *bool
	welcome bool
}

// changes reports whether any setting beyond enabled is given.
func (o options) changes() bool {
	return o.quotaMB != nil || o.homedir != nil || o.perms != nil || o.private != nil || o.digest != nil
}
