package hosting

import (
	"context"
	"time"
)

// LoginFailureStore keeps the brute-force limiter's failure counts where
// every node sees them (PostgreSQL), so that n nodes allow the guesses one
// node allows. A key is an opaque string chosen by the limiter ("a:ADDR",
// "u:IDENTITY", "t:ADDR").
type LoginFailureStore interface {
	// LoginBlocked reports whether any of keys is blocked at now.
	LoginBlocked(ctx context.Context, keys []string, now time.Time) (bool, error)
	// AddLoginFailures counts one failure of each key of fails at now,
	// all in one transaction (a failed login counts its address and its
	// identity). A key's count starts afresh when its window (begun by its
	// first failure) is older than its Window; the Max-th failure blocks
	// the key until now+Block and starts the count again.
	AddLoginFailures(ctx context.Context, fails []LoginFailure, now time.Time) error
	// ClearLoginFailures forgets key's failures unless it is blocked at now.
	ClearLoginFailures(ctx context.Context, key string, now time.Time) error
	// PruneLoginFailures deletes the keys that are not blocked at now and
	// whose window began before windowStart, and returns how many.
	PruneLoginFailures(ctx context.Context, now, windowStart time.Time) (int, error)
}

// LoginFailure is one key's failure to count, with the rule of its kind.
type LoginFailure struct {
	Key    string
	Max    int // failures within Window that block; 0 never blocks
	Window time.Duration
	Block  time.Duration
}
