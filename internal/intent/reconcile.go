package intent

import (
	"context"
	"fmt"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// Reconcile repairs, in one bounded pass, the intents no running change
// holds: at most Config.Batch of them, each within Config.RepairTime. It
// returns how many it repaired and how many it left for a later pass (held
// by a live node, or failed: the failure is logged and retried).
func (j *Journal) Reconcile(ctx context.Context) (repaired, left int, err error) {
	if j == nil {
		return 0, 0, nil
	}
	list, err := j.store.ListIntents(ctx, j.now().Add(-j.cfg.DeadAfter), j.cfg.Batch)
	if err != nil {
		return 0, 0, fmt.Errorf("intent: list: %w", err)
	}
	for _, in := range list {
		if ctx.Err() != nil {
			return repaired, left + 1, ctx.Err()
		}
		if !j.orphaned(in) || !j.claim(ctx, in) {
			left++
			continue
		}
		if j.repair(ctx, in) {
			repaired++
		} else {
			left++
		}
	}
	return repaired, left, nil
}

// orphaned reports whether no running change can hold in.
func (j *Journal) orphaned(in *hosting.Intent) bool {
	if in.Owner == j.cfg.Owner {
		j.mu.Lock()
		defer j.mu.Unlock()
		return !j.active[in.ID]
	}
	return !j.cfg.Shared || !in.OwnerLive
}

// claim takes a dead owner's intent over, so that two nodes do not repair
// it at once, and holds it while the repair runs.
func (j *Journal) claim(ctx context.Context, in *hosting.Intent) bool {
	if in.Owner != j.cfg.Owner {
		ok, err := j.store.ClaimIntent(ctx, in.ID, in.Owner, j.cfg.Owner)
		if err != nil {
			j.log.ErrorContext(ctx, "intent: claim", "id", in.ID, "kind", in.Kind, "err", err)
			return false
		}
		if !ok {
			return false // another node took it
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.active[in.ID] {
		return false
	}
	j.active[in.ID] = true
	return true
}

// repair runs the kind's repair, deletes the intent when it succeeds and
// logs one line either way.
func (j *Journal) repair(ctx context.Context, in *hosting.Intent) bool {
	defer j.hold(in.ID, false)
	j.mu.Lock()
	r := j.repairs[in.Kind]
	j.mu.Unlock()
	log := j.log.With("intent", in.ID, "kind", in.Kind, "account_id", in.AccountID, "owner", in.Owner,
		"age", j.now().Sub(in.CreatedAt).Round(time.Second).String())
	if r == nil {
		log.ErrorContext(ctx, "intent: no repair for this kind; left in place")
		return false
	}
	rctx, cancel := context.WithTimeout(ctx, j.cfg.RepairTime)
	defer cancel()
	outcome, err := r(rctx, in)
	if err == nil {
		err = j.store.DeleteIntent(rctx, in.ID)
	}
	if err != nil {
		log.ErrorContext(ctx, "intent: repair failed; will retry", "err", err)
		return false
	}
	log.InfoContext(ctx, "intent: repaired interrupted change", "outcome", outcome)
	return true
}

// Recover repairs every orphaned intent before the node serves: passes
// until one repairs nothing (at most 100, a bound against a repair that
// keeps failing). It returns how many intents are left.
func (j *Journal) Recover(ctx context.Context) (left int, err error) {
	for range 100 {
		repaired, l, err := j.Reconcile(ctx)
		if err != nil || repaired == 0 {
			return l, err
		}
		left = l
	}
	return left, nil
}

// Run reconciles every Config.Interval until ctx is done.
func (j *Journal) Run(ctx context.Context) {
	if j == nil {
		return
	}
	t := time.NewTicker(j.cfg.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, _, err := j.Reconcile(ctx); err != nil && ctx.Err() == nil {
				j.log.ErrorContext(ctx, "intent: reconcile", "err", err)
			}
		}
	}
}
