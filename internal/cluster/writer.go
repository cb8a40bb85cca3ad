package cluster

import (
	"context"
	"sync"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// writer keeps the node's rows of ftp_sessions in step with the local
// registry. Observer calls only mark an account dirty; a flush rewrites
// each dirty account's rows from what the registry holds at that moment.
// Events can thus arrive late, twice or out of order without harm, a busy
// account costs one write per flush however many changes it had, and a
// failed write is simply retried at the next flush.
type writer struct {
	n    *Node
	wake chan struct{} // a login or logout is waiting to be written

	mu    sync.Mutex
	dirty map[int64]bool     // account id → rows to rewrite
	known map[int64]struct{} // accounts that may have rows of this node

	flushMu sync.Mutex // one flush at a time: a late one would undo a newer one
}

func newWriter(n *Node) *writer {
	return &writer{n: n, wake: make(chan struct{}, 1), dirty: make(map[int64]bool), known: make(map[int64]struct{})}
}

// SessionStarted implements ftpd.Observer: the login is written at once.
func (n *Node) SessionStarted(s hosting.FTPSession) { n.writer.mark(s.AccountID, true) }

// SessionChanged implements ftpd.Observer: the status waits for the next
// flush, at most StatusDelay.
func (n *Node) SessionChanged(s hosting.FTPSession) { n.writer.mark(s.AccountID, false) }

// SessionEnded implements ftpd.Observer: the logout is written at once.
func (n *Node) SessionEnded(s hosting.FTPSession) { n.writer.mark(s.AccountID, true) }

// mark notes that an account's rows need rewriting; urgent wakes the writer.
// On SQLite nothing is written.
func (w *writer) mark(accountID int64, urgent bool) {
	if !w.n.shared {
		return
	}
	w.mu.Lock()
	w.dirty[accountID] = true
	w.known[accountID] = struct{}{}
	w.mu.Unlock()
	if urgent {
		select {
		case w.wake <- struct{}{}:
		default: // a wake-up is pending already; it will see this account
		}
	}
}

// resync marks every account that may have rows, after the node's rows
// were removed while it was taken for dead.
func (w *writer) resync() {
	w.mu.Lock()
	for id := range w.known {
		w.dirty[id] = true
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run flushes on every wake-up and every StatusDelay until ctx is done.
func (w *writer) run(ctx context.Context) {
	t := time.NewTicker(w.n.cfg.StatusDelay)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
		w.flush(ctx)
	}
}

// flush writes every dirty account. An account whose write fails stays
// dirty and is tried again at the next flush.
func (w *writer) flush(ctx context.Context) {
	w.flushMu.Lock()
	defer w.flushMu.Unlock()
	w.mu.Lock()
	ids := make([]int64, 0, len(w.dirty))
	for id := range w.dirty {
		ids = append(ids, id)
	}
	clear(w.dirty)
	w.mu.Unlock()
	for _, id := range ids {
		if err := w.write(ctx, id); err != nil {
			w.mu.Lock()
			w.dirty[id] = true
			w.mu.Unlock()
			if ctx.Err() == nil {
				w.n.log.Error("cluster: write ftp sessions", "account_id", id, "err", err)
			}
		}
	}
}

// write replaces the account's rows of this node with the registry's view.
func (w *writer) write(ctx context.Context, accountID int64) error {
	var list []hosting.FTPSession
	if w.n.local != nil {
		var err error
		if list, err = w.n.local.ListFTPSessions(ctx, accountID); err != nil {
			return err
		}
	}
	for i := range list {
		list[i].ID = w.n.pid(list[i].ID)
	}
	err := w.n.store.ReplaceNodeFTPSessions(ctx, w.n.id, accountID, list)
	if hosting.ErrorCode(err) == hosting.ENOTFOUND {
		// The account is gone (its rows with it), or this node's row is:
		// then the heartbeat registers it again and calls resync.
		err = nil
	}
	if err == nil && len(list) == 0 {
		w.mu.Lock()
		if !w.dirty[accountID] {
			delete(w.known, accountID)
		}
		w.mu.Unlock()
	}
	return err
}
