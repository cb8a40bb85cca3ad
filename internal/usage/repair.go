package usage

import (
	"context"
	"errors"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// staleMarks returns the marks of dead processes on the account.
func (k *Keeper) staleMarks(ctx context.Context, accountID int64) ([]hosting.UsageMark, error) {
	all, err := k.store.StaleUsageMarks(ctx, k.cfg.Node(), k.liveSince())
	if err != nil {
		return nil, err
	}
	var out []hosting.UsageMark
	for _, m := range all {
		if m.AccountID == accountID {
			out = append(out, m)
		}
	}
	return out, nil
}

// liveSince is the oldest heartbeat of a live node. With one node (SQLite)
// no other process can be live: their marks are all stale.
func (k *Keeper) liveSince() time.Time {
	if !k.cfg.Shared {
		return time.Now().Add(time.Hour)
	}
	return time.Now().Add(-k.cfg.DeadAfter)
}

// Repair rescans every account with marks of a process that is no longer
// live, one after the other, and returns how many it repaired. A failed
// account is logged and keeps its marks for the next Repair.
func (k *Keeper) Repair(ctx context.Context) (int, error) {
	marks, err := k.store.StaleUsageMarks(ctx, k.cfg.Node(), k.liveSince())
	if err != nil {
		return 0, err
	}
	seen := make(map[int64]bool)
	var errs []error
	for _, m := range marks {
		if seen[m.AccountID] {
			continue
		}
		seen[m.AccountID] = true
		if err := k.rescanID(ctx, m.AccountID); err != nil {
			errs = append(errs, err)
		}
	}
	return len(seen) - len(errs), errors.Join(errs...)
}

func (k *Keeper) rescanID(ctx context.Context, id int64) error {
	acct, err := k.store.FindAccountByID(ctx, id)
	if err != nil {
		return err
	}
	_, err = k.Rescan(ctx, acct)
	return err
}

// Start repairs the accounts that a crash left marked before it returns,
// then, in the background until Close, schedules a rescan of the accounts
// never scanned and repairs again every RepairInterval.
func (k *Keeper) Start(ctx context.Context) error {
	n, err := k.Repair(ctx)
	if n > 0 || err != nil {
		k.log.Info("usage repaired after an unclean stop", "accounts", n, "err", err)
	}
	ids, uerr := k.store.UnscannedAccounts(ctx)
	if uerr != nil {
		return uerr
	}
	for _, id := range ids {
		if acct, err := k.store.FindAccountByID(ctx, id); err == nil {
			k.Schedule(acct)
		}
	}
	k.wg.Add(1)
	go func() {
		defer k.wg.Done()
		k.repairLoop()
	}()
	return nil
}

func (k *Keeper) repairLoop() {
	t := time.NewTicker(k.cfg.RepairInterval)
	defer t.Stop()
	for {
		select {
		case <-k.bg.Done():
			return
		case <-t.C:
			if n, err := k.Repair(k.bg); (n > 0 || err != nil) && k.bg.Err() == nil {
				k.log.Info("usage repaired", "accounts", n, "err", err)
			}
		}
	}
}
