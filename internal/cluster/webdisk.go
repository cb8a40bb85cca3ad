package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// protoWebDisk marks a kill message for Web Disk connections.
const protoWebDisk = "webdisk"

// WebDiskServer is what a node needs from its Web Disk server to close
// live connections; *webdavd.Server implements it.
type WebDiskServer interface {
	// KillLogin closes the connections of one login of the account.
	KillLogin(ctx context.Context, accountID int64, login string) (int, error)
	// KillAccount closes the connections of every login of the account.
	KillAccount(ctx context.Context, accountID int64) (int, error)
}

// webDiskHolder lets SetWebDisk store an interface atomically: the
// listener may read it while the process wires its servers.
type webDiskHolder struct{ srv WebDiskServer }

// SetWebDisk gives the node this process's Web Disk server, whose
// connections kills sent by other nodes then reach. A node without one
// still sends its own kills to the others.
func (n *Node) SetWebDisk(srv WebDiskServer) { n.webdisk.Store(&webDiskHolder{srv: srv}) }

func (n *Node) localWebDisk() WebDiskServer {
	if h := n.webdisk.Load(); h != nil {
		return h.srv
	}
	return nil
}

// WebDisk returns the Web Disk connections of every node, for the WebDisk
// module (KillLogin) and the account service (KillAccount).
//
// Unlike FTP sessions, Web Disk connections are not recorded in the
// database: a Web Disk request authenticates afresh each time, so only
// connections in the middle of a request (an upload, a large download) or
// kept alive between requests need closing. A kill therefore closes this
// node's connections at once and broadcasts the kill to every other node
// (NOTIFY uapid_kill with no node number), which closes its own when the
// notification arrives, a few milliseconds later. The counts returned are
// this node's.
func (n *Node) WebDisk() *WebDiskSessions { return &WebDiskSessions{n: n} }

// WebDiskSessions closes Web Disk connections on every live node.
type WebDiskSessions struct{ n *Node }

// KillLogin closes the connections of one login of the account on every
// node and returns how many this node closed.
func (w *WebDiskSessions) KillLogin(ctx context.Context, accountID int64, login string) (int, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" {
		return 0, nil // an empty login would select every connection of the account
	}
	return w.n.killWebDisk(ctx, accountID, login)
}

// KillAccount closes the connections of every login of the account on
// every node and returns how many this node closed.
func (w *WebDiskSessions) KillAccount(ctx context.Context, accountID int64) (int, error) {
	return w.n.killWebDisk(ctx, accountID, "")
}

// killWebDisk closes local connections, then tells the other nodes.
func (n *Node) killWebDisk(ctx context.Context, accountID int64, login string) (int, error) {
	k, err := n.killWebDiskLocal(ctx, accountID, login)
	if err != nil || !n.shared || n.id == 0 {
		return k, err
	}
	payload, err := json.Marshal(killMessage{Proto: protoWebDisk, From: n.id, Account: accountID, Login: login})
	if err != nil {
		return k, fmt.Errorf("cluster: kill message: %w", err)
	}
	return k, n.store.Notify(ctx, KillChannel, string(payload))
}

func (n *Node) killWebDiskLocal(ctx context.Context, accountID int64, login string) (int, error) {
	srv := n.localWebDisk()
	switch {
	case srv == nil:
		return 0, nil
	case login == "":
		return srv.KillAccount(ctx, accountID)
	}
	return srv.KillLogin(ctx, accountID, login)
}

// handleWebDisk carries out a Web Disk kill another node broadcast: only
// connections of the account the message names.
func (n *Node) handleWebDisk(ctx context.Context, m killMessage) {
	if m.From == n.id || n.localWebDisk() == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, handleLimit)
	defer cancel()
	k, err := n.killWebDiskLocal(ctx, m.Account, m.Login)
	if err != nil {
		n.log.Error("cluster: web disk kill asked by another node", "account_id", m.Account, "err", err)
		return
	}
	if k > 0 {
		n.log.Info("cluster: closed web disk connections for another node", "account_id", m.Account, "login", m.Login, "count", k)
	}
}
