package cluster

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// localBits is how many low bits of a session id hold the session's id in
// its process (ftpserverlib's uint32 client id); the bits above hold the
// node's number.
const localBits = 32

// pid returns the cluster-wide id of a local session id. On SQLite ids
// stay local: there is no other node to tell apart.
func (n *Node) pid(local int64) int64 {
	if !n.shared {
		return local
	}
	return n.id<<localBits | local&(1<<localBits-1)
}

// nodeOf returns the number of the node that holds session id.
func nodeOf(id int64) int64 { return id >> localBits }

// localOf returns the id of session id in its node's process.
func localOf(id int64) int64 { return id & (1<<localBits - 1) }

// ListFTPSessions returns the account's sessions on every live node,
// ordered by ID: this node's from its registry, the others' from the
// database. Returns the store's error if the database cannot be read.
func (n *Node) ListFTPSessions(ctx context.Context, accountID int64) ([]hosting.FTPSession, error) {
	list := []hosting.FTPSession{}
	if n.local != nil {
		own, err := n.local.ListFTPSessions(ctx, accountID)
		if err != nil {
			return nil, err
		}
		list = own
	}
	if !n.shared {
		return list, nil
	}
	for i := range list {
		list[i].ID = n.pid(list[i].ID)
	}
	others, err := n.remote(ctx, accountID)
	if err != nil {
		return nil, err
	}
	list = append(list, others...)
	slices.SortFunc(list, func(a, b hosting.FTPSession) int { return cmp.Compare(a.ID, b.ID) })
	return list, nil
}

// remote returns the account's sessions that live nodes other than this
// one hold, as the database shows them.
func (n *Node) remote(ctx context.Context, accountID int64) ([]hosting.FTPSession, error) {
	rows, err := n.store.ListLiveFTPSessions(ctx, accountID, n.liveSince())
	if err != nil {
		return nil, err
	}
	// This node's own rows may lag behind its registry; the store already
	// filters by account, and a stray row must never be shown to another.
	return slices.DeleteFunc(rows, func(s hosting.FTPSession) bool {
		return nodeOf(s.ID) == n.id || s.AccountID != accountID
	}), nil
}

// KillFTPSessions closes the account's sessions that f selects on every
// live node (f.ID is a cluster-wide id; Login is normalised, as the
// sessions carry it) and returns how many it closed. Local sessions close
// at once; for the others it asks their nodes and waits, at most KillWait,
// until they are gone. Sessions of other accounts are never selected.
func (n *Node) KillFTPSessions(ctx context.Context, accountID int64, f hosting.FTPSessionFilter) (int, error) {
	if !n.shared {
		if n.local == nil {
			return 0, nil
		}
		return n.local.KillFTPSessions(ctx, accountID, f)
	}
	killed := 0
	if f.ID == 0 || nodeOf(f.ID) == n.id {
		k, err := n.killLocal(ctx, accountID, f)
		if err != nil {
			return k, err
		}
		killed = k
	}
	if f.ID != 0 && nodeOf(f.ID) == n.id {
		return killed, nil
	}
	k, err := n.killRemote(ctx, accountID, f)
	return killed + k, err
}

// killLocal closes this node's matching sessions and writes the change at
// once, so that no node lists them after the kill returns.
func (n *Node) killLocal(ctx context.Context, accountID int64, f hosting.FTPSessionFilter) (int, error) {
	if n.local == nil {
		return 0, nil
	}
	if f.ID != 0 {
		f.ID = localOf(f.ID)
	}
	k, err := n.local.KillFTPSessions(ctx, accountID, f)
	if k > 0 {
		n.writer.mark(accountID, false)
		n.writer.flush(ctx)
	}
	return k, err
}

// KillLogin closes every session of one login of the account on every live
// node, for an FTP account that was deleted or got a new password.
func (n *Node) KillLogin(ctx context.Context, accountID int64, login string) (int, error) {
	if strings.TrimSpace(login) == "" {
		return 0, nil // an empty filter would select every session
	}
	return n.KillFTPSessions(ctx, accountID, hosting.FTPSessionFilter{Login: login})
}

// KillAccount closes every session of the account on every live node, for
// an account that was suspended, deleted or got a new password.
func (n *Node) KillAccount(ctx context.Context, accountID int64) (int, error) {
	return n.KillFTPSessions(ctx, accountID, hosting.FTPSessionFilter{})
}

// matches reports whether f selects s.
func matches(f hosting.FTPSessionFilter, s hosting.FTPSession) bool {
	login := strings.ToLower(strings.TrimSpace(f.Login))
	return (f.ID == 0 || s.ID == f.ID) && (login == "" || s.Login == login)
}
