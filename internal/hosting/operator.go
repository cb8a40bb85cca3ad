package hosting

import (
	"context"
	"time"
)

// OperatorToken is an API token of the server's operator (WHM's root): it
// acts on every account, and only over WHM API 1. Only a hash of the
// secret is stored.
type OperatorToken struct {
	ID        int64
	Name      string
	Hash      string // hex SHA-256 of the secret
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: never expires
}

// Expired reports whether the token has an expiry that lies before now.
func (t *OperatorToken) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// OperatorTokenStore persists operator tokens.
type OperatorTokenStore interface {
	// CreateOperatorToken inserts t and sets t.ID. Returns ECONFLICT if a
	// token of that name exists.
	CreateOperatorToken(ctx context.Context, t *OperatorToken) error
	// FindOperatorTokenByHash returns the token with that hash, or ENOTFOUND.
	FindOperatorTokenByHash(ctx context.Context, hash string) (*OperatorToken, error)
	// ListOperatorTokens returns every operator token ordered by name.
	ListOperatorTokens(ctx context.Context) ([]*OperatorToken, error)
	// DeleteOperatorToken removes a token and reports whether it existed.
	DeleteOperatorToken(ctx context.Context, name string) (bool, error)
}

// Package is a hosting plan: a disk quota and a feature list that an
// account copies when it is created on the plan or moved to it.
type Package struct {
	Name      string
	QuotaMB   int64    // 0: unlimited
	Features  []string // uapid feature names
	CreatedAt time.Time
}

// PackageStore persists packages.
type PackageStore interface {
	// CreatePackage inserts p. Returns ECONFLICT if the name is taken.
	CreatePackage(ctx context.Context, p *Package) error
	// FindPackage returns ENOTFOUND if no package has that name.
	FindPackage(ctx context.Context, name string) (*Package, error)
	// ListPackages returns every package ordered by name.
	ListPackages(ctx context.Context) ([]*Package, error)
	// DeletePackage removes a package. Returns ENOTFOUND.
	DeletePackage(ctx context.Context, name string) error
}

// AccountProfile is what the operator records about an account beyond its
// working settings: how to reach its owner, the plan it was given, and why
// and when it was suspended.
type AccountProfile struct {
	AccountID     int64
	ContactEmail  string
	Plan          string
	SuspendReason string
	SuspendedAt   *time.Time
}

// AccountProfileStore persists account profiles.
type AccountProfileStore interface {
	// FindProfile returns the account's profile; an account without one
	// gets an empty profile, not an error.
	FindProfile(ctx context.Context, accountID int64) (*AccountProfile, error)
	// ListProfiles returns every stored profile keyed by account id.
	ListProfiles(ctx context.Context) (map[int64]*AccountProfile, error)
	// SaveProfile stores p in place of the account's profile. Returns
	// ENOTFOUND if the account does not exist.
	SaveProfile(ctx context.Context, p *AccountProfile) error
}

// LoginTicket is a one-time login into an account's web session
// (WHM's create_user_session): the ticket secret travels in a URL, only
// its hash is stored, and the first login that presents it takes it.
type LoginTicket struct {
	Hash          string // hex SHA-256 of the ticket secret
	AccountID     int64
	SecurityToken string // the cpsess token of the session it opens
	ExpiresAt     time.Time
}

// LoginTicketStore persists login tickets.
type LoginTicketStore interface {
	// CreateLoginTicket inserts t. Returns ENOTFOUND if the account does
	// not exist.
	CreateLoginTicket(ctx context.Context, t *LoginTicket) error
	// TakeLoginTicket deletes the ticket with that hash and returns it, so
	// that of two logins racing with one ticket only one gets it. Returns
	// ENOTFOUND if there is none.
	TakeLoginTicket(ctx context.Context, hash string) (*LoginTicket, error)
	// DeleteExpiredLoginTickets removes tickets that expired before now and
	// returns how many it removed.
	DeleteExpiredLoginTickets(ctx context.Context, now time.Time) (int, error)
}
