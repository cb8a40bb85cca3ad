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
	// AddLoginFailure counts one failure of key at now. The count starts
	// afresh when its window (begun by its first failure) is older than
	// window; the max-th failure blocks the key until now+block and starts
	// the count again.
	AddLoginFailure(ctx context.Context, key string, max int, window, block time.Duration, now time.Time) error
	// ClearLoginFailures forgets key's failures unless it is blocked at now.
	ClearLoginFailures(ctx context.Context, key string, now time.Time) error
	// PruneLoginFailures deletes the keys that are not blocked at now and
	// whose window began before windowStart, and returns how many.
	PruneLoginFailures(ctx context.Context, now, windowStart time.Time) (int, error)
}
