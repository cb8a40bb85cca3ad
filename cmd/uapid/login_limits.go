package main

import (
	"context"
	"time"

	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/store"
)

// limitsPruneEvery is how often the limiter's stale counts are deleted.
const limitsPruneEvery = time.Minute

// limiter returns the brute-force limiter every login path shares. With
// PostgreSQL its counts live in the database, so that every node sees
// every node's failures and n nodes allow the guesses one node allows;
// with SQLite (one node) they live in memory. A background task prunes
// stale counts.
func (m *Main) limiter(ctx context.Context) *limiter.Limiter {
	cfg := limiter.DefaultConfig()
	if m.limits != nil {
		cfg = *m.limits
	}
	lim := limiter.New(cfg, nil)
	if m.db.Dialect() == store.DialectPostgres {
		lim = limiter.Shared(cfg, m.db, nil)
	}
	m.goBackground(ctx, func(ctx context.Context) { m.pruneLimits(ctx, lim) })
	return lim
}

// pruneLimits deletes the limiter's stale counts periodically.
func (m *Main) pruneLimits(ctx context.Context, lim *limiter.Limiter) {
	t := time.NewTicker(limitsPruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := lim.Prune(ctx); err != nil {
				m.Log.Error("prune login failure counts", "err", err)
			} else if n > 0 {
				m.Log.Debug("pruned login failure counts", "count", n)
			}
		}
	}
}
