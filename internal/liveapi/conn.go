package liveapi

import (
	"bufio"
	"errors"
	"io"
	"net"
)

// serve answers one connection's requests in order until the client shuts
// the session down, closes the connection, or breaks the framing.
func (k *Socket) serve(c *net.UnixConn) {
	defer k.untrack(c)
	if !k.admit(c) {
		return
	}
	br := bufio.NewReader(c)
	for {
		req, err := readRequest(br, k.srv.cfg.MaxRequest)
		if err != nil {
			if !errors.Is(err, io.EOF) && k.ctx.Err() == nil {
				k.srv.log.Warn("liveapi: connection closed", "account", k.acct.Name, "proto", "liveapi", "err", err)
			}
			return
		}
		answer, more := k.handle(req)
		if answer != nil {
			if _, err := c.Write(answer); err != nil {
				return
			}
		}
		if !more {
			return
		}
	}
}

// admit waits until AllowGroup has named the plugin's process group, then
// checks that the peer belongs to it: the socket serves the page's program
// and nothing else, even another process of the same user.
func (k *Socket) admit(c *net.UnixConn) bool {
	select {
	case <-k.ready:
	case <-k.ctx.Done():
		return false
	}
	if err := checkPeer(c, k.peerUID, k.pgid); err != nil {
		k.srv.log.Warn("liveapi: connection refused", "account", k.acct.Name, "proto", "liveapi", "err", err)
		return false
	}
	return true
}

// handle answers one request; more is false when the session ends.
func (k *Socket) handle(req []byte) (answer []byte, more bool) {
	what, body := classify(req)
	switch what {
	case kindJSON:
		return frame(jsonEnabled), true
	case kindShutdown:
		return nil, false
	case kindAction:
		return frame(k.runAction(k.ctx, body)), true
	}
	return frame(api1Error(action{}, msgTag)), true
}
