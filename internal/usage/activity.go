package usage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// ErrBusy is returned by a rescan that found the account changing through
// this node for longer than it may wait: its counts are left as they were,
// and a background rescan tries again later.
var ErrBusy = errors.New("usage: the account kept changing during the rescan")

const (
	// quietPoll is how often a rescan looks whether the account's changes
	// on this node have ended.
	quietPoll = 50 * time.Millisecond
	// markPoll is how often a rescan looks whether other nodes still
	// hold marks on the account: a store read each time.
	markPoll = 250 * time.Millisecond
	// busyRetries and busyPause: a background rescan that found the
	// account busy tries again this many times, this far apart.
	busyRetries = 30
	busyPause   = 10 * time.Second
)

// activity counts the changes of one account under way on this node
// (the marked leases of its logins: from a first Counter.Begin until the
// lease settles) and how many ever began. A walk is only
// true if no change ran while it walked: otherwise a file half written, or
// a reservation given back after the walk, would make the stored count
// wrong for good (an upload's End releases bytes the walk never counted).
type activity struct {
	open    int
	began   uint64
	storing bool // a rescan is storing its counts: new changes wait
}

// changeBegan counts a change that begins; it waits while a rescan stores
// the account's counts, so that no reservation can slip in between the
// rescan's last look and its write.
func (k *Keeper) changeBegan(accountID int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.act[accountID]
	if a == nil {
		a = &activity{}
		k.act[accountID] = a
	}
	for a.storing {
		k.stored.Wait()
	}
	a.open++
	a.began++
}

// holdChanges makes new changes of the account wait, if none began since
// began and none is under way: then a rescan that walked after began may
// store its counts. release lets the changes go on.
func (k *Keeper) holdChanges(accountID int64, began uint64) (release func(), ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.act[accountID]
	if a == nil {
		return func() {}, began == 0
	}
	if a.open > 0 || a.began != began {
		return nil, false
	}
	a.storing = true
	return func() {
		k.mu.Lock()
		a.storing = false
		k.mu.Unlock()
		k.stored.Broadcast()
	}, true
}

func (k *Keeper) changeEnded(accountID int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if a := k.act[accountID]; a != nil && a.open > 0 {
		a.open--
	}
}

// quiet reports whether no change of the account is under way, and how
// many have begun so far.
func (k *Keeper) quiet(accountID int64) (began uint64, ok bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	a := k.act[accountID]
	if a == nil {
		return 0, true
	}
	return a.began, a.open == 0
}

// waitQuiet waits until no change of the account is under way on this
// node and no other live node holds a mark on it, until deadline; it
// returns the count of changes begun here and the account's mark
// generation (see hosting.UsageStore.UsageHolders). A lease counts as a
// change until it settles, so this node's idle ones are settled at once
// rather than after SettleAfter; another node's settle SettleAfter after
// their last change.
func (k *Keeper) waitQuiet(ctx context.Context, accountID int64, deadline time.Time, log *slog.Logger) (uint64, int64, error) {
	var waited []int64
	for {
		k.Settle(accountID)
		pause := quietPoll
		if began, ok := k.quiet(accountID); ok {
			gen, held, err := k.store.UsageHolders(ctx, accountID, k.cfg.Node(), k.liveSince())
			if err != nil {
				return 0, 0, err
			}
			if len(held) == 0 {
				return began, gen, nil
			}
			if k.onWait != nil {
				k.onWait(held)
			}
			if !slices.Equal(held, waited) {
				log.Info("usage rescan waits: other nodes hold marks on the account", "nodes", held)
				waited = held
			}
			pause = markPoll
		}
		if time.Now().After(deadline) {
			if len(waited) > 0 {
				return 0, 0, fmt.Errorf("%w: nodes %v kept marks on it", ErrBusy, waited)
			}
			return 0, 0, ErrBusy
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(pause):
		}
	}
}
