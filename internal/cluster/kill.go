package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// KillChannel is the PostgreSQL notification channel kills travel on (per
// schema: see store.Notify).
const KillChannel = "uapid_kill"

// Timing of the kill protocol.
const (
	killPoll    = 25 * time.Millisecond // how often a kill looks whether remote rows are gone
	listenRetry = time.Second           // pause before listening again after a lost connection
	handleLimit = 10 * time.Second      // bounds one received kill, so a stuck one cannot stop the listener
)

// killMessage is the payload of a notification on KillChannel: close the
// sessions of one hosting account that one node holds. It names no session
// of another account: the receiving node looks sessions up in that
// account's part of its registry only.
//
// A Web Disk kill (Proto "webdisk") names no node: it is broadcast, and
// every node but its sender (From) closes the account's matching Web Disk
// connections.
type killMessage struct {
	Node    int64  `json:"node"`              // number of the node that holds the sessions
	Account int64  `json:"account"`           // hosting account that owns them
	Login   string `json:"login,omitempty"`   // normalised login; "" for any
	Session int64  `json:"session,omitempty"` // id in the node's process; 0 for any
	Proto   string `json:"proto,omitempty"`   // "" for FTP, "webdisk"
	From    int64  `json:"from,omitempty"`    // sending node of a Web Disk kill
}

// parseKill decodes and checks a payload. Anything else on the channel is
// an error the listener logs and ignores.
func parseKill(payload string) (killMessage, error) {
	var m killMessage
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		return m, fmt.Errorf("cluster: kill message: %w", err)
	}
	switch m.Proto {
	case "":
		if m.Node <= 0 || m.Account <= 0 || m.Session < 0 || m.Session >= 1<<localBits || m.From != 0 {
			return m, fmt.Errorf("cluster: kill message %s names no node, account or session", payload)
		}
	case protoWebDisk:
		if m.Node != 0 || m.Session != 0 || m.Account <= 0 || m.From <= 0 {
			return m, fmt.Errorf("cluster: web disk kill message %s names no account or sender", payload)
		}
	default:
		return m, fmt.Errorf("cluster: kill message %s of an unknown protocol", payload)
	}
	return m, nil
}

// killRemote asks the other live nodes that hold matching sessions to close
// them and waits until the database shows them gone; it returns how many
// went. Nodes that do not answer within KillWait are left alone: their
// sessions may close later, or the node is dying and its rows go with it.
func (n *Node) killRemote(ctx context.Context, accountID int64, f hosting.FTPSessionFilter) (int, error) {
	rows, err := n.remote(ctx, accountID)
	if err != nil {
		return 0, err
	}
	targets := map[int64]bool{}
	nodes := map[int64]bool{}
	for _, s := range rows {
		if matches(f, s) {
			targets[s.ID], nodes[nodeOf(s.ID)] = true, true
		}
	}
	for node := range nodes {
		m := killMessage{Node: node, Account: accountID, Login: f.Login, Session: localOf(f.ID)}
		payload, err := json.Marshal(m)
		if err != nil {
			return 0, fmt.Errorf("cluster: kill message: %w", err)
		}
		if err := n.store.Notify(ctx, KillChannel, string(payload)); err != nil {
			return 0, err
		}
	}
	if len(targets) == 0 {
		return 0, nil
	}
	return n.awaitGone(ctx, accountID, targets)
}

// awaitGone polls until none of the target sessions is listed or KillWait
// has passed, and returns how many are gone.
func (n *Node) awaitGone(ctx context.Context, accountID int64, targets map[int64]bool) (int, error) {
	deadline := time.Now().Add(n.cfg.KillWait)
	for {
		rows, err := n.remote(ctx, accountID)
		if err != nil {
			return 0, err
		}
		left := 0
		for _, s := range rows {
			if targets[s.ID] {
				left++
			}
		}
		if left == 0 || time.Now().After(deadline) {
			if left > 0 {
				n.log.Warn("cluster: remote sessions still listed after kill", "account_id", accountID, "left", left)
			}
			return len(targets) - left, nil
		}
		if err := sleep(ctx, killPoll); err != nil {
			return len(targets) - left, err
		}
	}
}

// listen receives kills until ctx is done, listening again after a lost
// connection. The first attempt's outcome goes to started: Start fails
// when the node cannot listen at all.
func (n *Node) listen(ctx context.Context, started chan<- error) {
	for {
		err := n.store.Listen(ctx, KillChannel, func() {
			if started != nil {
				started <- nil
				started = nil
			}
		}, func(payload string) { n.handle(ctx, payload) })
		if started != nil {
			started <- err
			return
		}
		if ctx.Err() != nil {
			return
		}
		n.log.Error("cluster: lost the kill listener; listening again", "err", err)
		if sleep(ctx, listenRetry) != nil {
			return
		}
	}
}

// handle carries out one kill meant for this node: only sessions of the
// account the message names, looked up in that account's part of the
// registry, so no message reaches another tenant's sessions.
func (n *Node) handle(ctx context.Context, payload string) {
	m, err := parseKill(payload)
	if err != nil {
		n.log.Warn("cluster: ignored a notification", "err", err)
		return
	}
	if m.Proto == protoWebDisk {
		n.handleWebDisk(ctx, m)
		return
	}
	if m.Node != n.id || n.local == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, handleLimit)
	defer cancel()
	f := hosting.FTPSessionFilter{Login: m.Login, ID: m.Session}
	k, err := n.killLocal(ctx, m.Account, f)
	if err != nil && !errors.Is(err, context.Canceled) {
		n.log.Error("cluster: kill asked by another node", "account_id", m.Account, "err", err)
		return
	}
	n.log.Info("cluster: killed sessions for another node", "account_id", m.Account, "login", m.Login, "count", k)
}
