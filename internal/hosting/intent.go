package hosting

import (
	"context"
	"time"
)

// Intent is the durable record of a change of several steps (a
// Subaccount with its services, an account with its home, a login whose
// directory goes with it) that must complete or leave nothing, across a
// crash at any instant. It is stored in the same transaction as the
// change's first step and removed when the change is finished; one left
// over names a change that a crash or a failure interrupted, and the
// package that made it completes or rolls it back (internal/intent runs
// the repairs at start-up and periodically).
type Intent struct {
	// ID is random, chosen by the process that makes the intent, so it
	// can tell its own running changes apart before they are stored.
	ID string
	// Kind names the change ("usermanager.create", "account.delete", …)
	// and so the repair that finishes it.
	Kind string
	// AccountID is the hosting account changed, 0 for none.
	AccountID int64
	// Owner is the node (process) running the change.
	Owner string
	// Data is the kind's own JSON: what the repair needs to know.
	Data      []byte
	CreatedAt time.Time
	// OwnerLive is set by ListIntents: whether the owner node's heartbeat
	// is recent, so that its changes may still be running.
	OwnerLive bool
}

// IntentStore keeps intents. The stores of the entities a change touches
// first (Subaccounts, logins, accounts) have methods that record an intent
// in the same transaction as that step.
type IntentStore interface {
	// CreateIntent stores in and sets in.CreatedAt. Returns ECONFLICT if
	// the id is taken.
	CreateIntent(ctx context.Context, in *Intent) error
	// UpdateIntent replaces the data of intent id. Returns ENOTFOUND.
	UpdateIntent(ctx context.Context, id string, data []byte) error
	// DeleteIntent removes intent id; a missing one is no error.
	DeleteIntent(ctx context.Context, id string) error
	// ClaimIntent makes to the owner of intent id if from owns it, and
	// reports whether it did: of two nodes repairing it, one wins.
	ClaimIntent(ctx context.Context, id, from, to string) (bool, error)
	// ListIntents returns at most limit intents, oldest first, with
	// OwnerLive set for owners whose node heartbeat is at or after
	// liveSince.
	ListIntents(ctx context.Context, liveSince time.Time, limit int) ([]*Intent, error)
}
