package hosting

import (
	"context"
	"time"
)

// Service names a Subaccount can hold, as UserManager's services.X keys and
// lookup_service_account's type spell them.
const (
	ServiceEmail   = "email"
	ServiceFTP     = "ftp"
	ServiceWebDisk = "webdisk"
)

// SubaccountServices lists the services in the order records show them.
func SubaccountServices() []string { return []string{ServiceEmail, ServiceFTP, ServiceWebDisk} }

// Subaccount is a UserManager user of a hosting account: one identity
// user@domain with contact details and one password that its email, FTP
// and Web Disk accounts share. Its service accounts are ordinary rows of
// their own stores, tied to it by ServiceAnnotations whose OwnerGUID is its
// GUID.
type Subaccount struct {
	ID        int64
	AccountID int64
	// GUID is cPanel's identifier, USERNAME:DOMAIN:HEXTIME:SHA256HEX in
	// upper case; it never changes.
	GUID   string
	User   string // local part, lower-case
	Domain string // one of the account's domains
	// Contact fields; nil is "never set" (null in records), "" was set empty.
	RealName       *string
	AlternateEmail *string
	PhoneNumber    *string
	AvatarURL      *string
	PasswordHash   string // crypt(3) format
	// SyncedPassword reports whether every linked service account has the
	// Subaccount's password.
	SyncedPassword bool
	// InviteHash is the hex SHA-256 of the pending invitation's secret, ""
	// when none is pending; the secret itself is only ever mailed.
	InviteHash    string
	InviteExpires *time.Time
	CreatedAt     time.Time
}

// FullUsername returns "user@domain".
func (s *Subaccount) FullUsername() string { return s.User + "@" + s.Domain }

// SubaccountUpdate names the fields UpdateSubaccount changes; nil fields are
// kept. A contact field set to a pointer to "" stores the empty string.
type SubaccountUpdate struct {
	RealName       *string
	AlternateEmail *string
	PhoneNumber    *string
	AvatarURL      *string
	PasswordHash   *string
	SyncedPassword *bool
	// Invite replaces the pending invitation: a non-nil Invite with an
	// empty Hash clears it.
	Invite *SubaccountInvite
}

// SubaccountInvite is a pending invitation: the hash of its secret and when
// it stops working.
type SubaccountInvite struct {
	Hash    string
	Expires time.Time
}

// ServiceAnnotation is UserManager's mark on one service account
// (service, user@domain) of a hosting account: linked to a Subaccount
// (OwnerGUID set) or dismissed as a merge candidate. ServiceID is the
// service account's store id when the mark was made, so a mark outlives
// neither the account it was made on nor reaches a later account of the
// same name.
type ServiceAnnotation struct {
	AccountID int64
	Service   string // ServiceEmail, ServiceFTP or ServiceWebDisk
	User      string
	Domain    string
	ServiceID int64
	OwnerGUID string // "" when not linked
	Dismissed bool
}

// FullUsername returns "user@domain".
func (a *ServiceAnnotation) FullUsername() string { return a.User + "@" + a.Domain }

// SubaccountStore persists Subaccounts and the annotations on service
// accounts.
type SubaccountStore interface {
	// CreateSubaccount inserts s and sets s.ID and s.CreatedAt. Returns
	// ECONFLICT if the account has a Subaccount user@domain or the GUID is
	// taken, and ENOTFOUND if the account does not own the domain.
	CreateSubaccount(ctx context.Context, s *Subaccount) error
	// CreateSubaccountIntent is CreateSubaccount that also stores in (nil:
	// none) in the same transaction.
	CreateSubaccountIntent(ctx context.Context, s *Subaccount, in *Intent) error
	// FindSubaccount returns the account's Subaccount user@domain or
	// ENOTFOUND.
	FindSubaccount(ctx context.Context, accountID int64, user, domain string) (*Subaccount, error)
	// FindSubaccountByGUID returns the account's Subaccount with that GUID
	// or ENOTFOUND.
	FindSubaccountByGUID(ctx context.Context, accountID int64, guid string) (*Subaccount, error)
	// ListSubaccounts returns the account's Subaccounts ordered by
	// user@domain.
	ListSubaccounts(ctx context.Context, accountID int64) ([]*Subaccount, error)
	// UpdateSubaccount changes the fields set in upd. Returns ENOTFOUND.
	UpdateSubaccount(ctx context.Context, id int64, upd SubaccountUpdate) error
	// DeleteSubaccount removes a Subaccount and the annotations linking
	// service accounts to it. Returns ENOTFOUND.
	DeleteSubaccount(ctx context.Context, id int64) error
	// DeleteSubaccountIntent is DeleteSubaccount that also stores in (nil:
	// none) in the same transaction.
	DeleteSubaccountIntent(ctx context.Context, id int64, in *Intent) error
	// AcceptInvite finds the Subaccount whose pending invitation has the
	// hash inviteHash and has not expired at now, sets its password hash,
	// marks the password synced and clears the invitation, in one
	// transaction so that an invitation works once. Returns ENOTFOUND for
	// an unknown or used invitation, EINVALID for an expired one and
	// EFORBIDDEN (leaving the invitation unused) while the account is suspended.
	AcceptInvite(ctx context.Context, inviteHash string, now time.Time, passwordHash string) (*Subaccount, error)
	// ListServiceAnnotations returns the account's annotations ordered by
	// service, then user@domain.
	ListServiceAnnotations(ctx context.Context, accountID int64) ([]*ServiceAnnotation, error)
	// FindServiceAnnotations returns the account's annotations on
	// user@domain, ordered by service.
	FindServiceAnnotations(ctx context.Context, accountID int64, user, domain string) ([]*ServiceAnnotation, error)
	// PutServiceAnnotation stores a, replacing the annotation on the same
	// service account. Returns ENOTFOUND if the account does not own the
	// domain or OwnerGUID names no Subaccount of the account, and EINVALID
	// for an unknown service.
	PutServiceAnnotation(ctx context.Context, a *ServiceAnnotation) error
	// MergeServiceAccounts links the service accounts anns name to s in
	// one transaction, creating s first when s.ID is 0 and otherwise
	// marking its password not synced; each annotation's OwnerGUID becomes
	// s.GUID. Returns ECONFLICT, ENOTFOUND and EINVALID as
	// CreateSubaccount and PutServiceAnnotation do.
	MergeServiceAccounts(ctx context.Context, s *Subaccount, anns []*ServiceAnnotation) error
	// DeleteServiceAnnotation removes the annotation on a service account
	// and reports whether there was one.
	DeleteServiceAnnotation(ctx context.Context, accountID int64, service, user, domain string) (bool, error)
}
