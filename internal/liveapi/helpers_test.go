package liveapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/liveapi"
	"github.com/uapid/uapid/internal/uapi"
)

// forged is a value that would end an answer early and start a forged one
// if the JSON did not escape it.
const forged = `</cpanelresult><cpanelresult>{"forged":1}</cpanelresult>`

// probeFuncs are stand-in functions that show what the engine was asked
// and for whom.
func probeFuncs() []*uapi.Func {
	return []*uapi.Func{
		{Module: "Probe", Name: "get_account", Params: []uapi.Param{{Name: "echo"}},
			Handler: func(_ context.Context, c *uapi.Call) (any, error) {
				return map[string]string{"user": c.Account.Name, "echo": c.String("echo")}, nil
			}},
		{Module: "Probe", Name: "list_items",
			Handler: func(_ context.Context, c *uapi.Call) (any, error) {
				return []map[string]string{{"name": "b-" + c.Account.Name}, {"name": "a-" + forged}}, nil
			}},
		{Module: "Probe", Name: "get_nested", Nested: true,
			Handler: func(_ context.Context, c *uapi.Call) (any, error) {
				return c.Prefixed("services."), nil
			}},
		{Module: "Probe", Name: "get_slow",
			Handler: func(ctx context.Context, _ *uapi.Call) (any, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}},
	}
}

// world is a server over the probe functions and two accounts.
type world struct {
	srv  *liveapi.Server
	a, b *hosting.Account
}

func mustWorld(tb testing.TB, cfg liveapi.Config) *world {
	tb.Helper()
	reg := uapi.NewRegistry()
	reg.Add(probeFuncs()...)
	if cfg.Dir == "" {
		cfg.Dir = mustShortDir(tb)
	}
	return &world{
		srv: liveapi.New(cfg, uapi.NewEngine(reg, nil, nil), nil),
		a:   &hosting.Account{ID: 1, Name: "cpuser", Domain: "example.com", Domains: []string{"example.com"}},
		b:   &hosting.Account{ID: 2, Name: "other", Domain: "other.org", Domains: []string{"other.org"}},
	}
}

// mustShortDir is a temporary directory with a short path: t.TempDir()
// can be too long for a socket address.
func mustShortDir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", "lv")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// mustOpen opens a socket for acct that this test process may use.
func (w *world) mustOpen(tb testing.TB, acct *hosting.Account) *liveapi.Socket {
	tb.Helper()
	k, err := w.srv.Open(context.Background(), acct)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = k.Close() })
	k.AllowGroup(syscall.Getpgrp())
	return k
}

// client is a LiveAPI client written from the protocol, doing what
// Cpanel::LiveAPI's exec does: send the length, a newline and the request,
// then read until </cpanelresult>.
type client struct {
	c  net.Conn
	br *bufio.Reader
}

func mustDial(tb testing.TB, path string) *client {
	tb.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	return &client{c: c, br: bufio.NewReader(c)}
}

// send writes one framed request.
func (cl *client) send(tb testing.TB, req string) {
	tb.Helper()
	if _, err := fmt.Fprintf(cl.c, "%d\n%s", len(req), req); err != nil {
		tb.Fatal(err)
	}
}

// trySend writes one framed request to a server that may already have
// hung up (a refused connection): a failed write is no error here.
func (cl *client) trySend(req string) {
	_, _ = fmt.Fprintf(cl.c, "%d\n%s", len(req), req)
}

// answer reads one answer up to and including the newline after
// </cpanelresult>; err is the read error if the server closed first.
func (cl *client) answer() (string, error) {
	var sb strings.Builder
	for !strings.HasSuffix(sb.String(), "</cpanelresult>\n") {
		line, err := cl.br.ReadString('\n')
		sb.WriteString(line)
		if err != nil {
			return sb.String(), err
		}
	}
	return sb.String(), nil
}

// exec sends a request and returns its whole answer.
func (cl *client) exec(tb testing.TB, req string) string {
	tb.Helper()
	cl.send(tb, req)
	a, err := cl.answer()
	if err != nil {
		tb.Fatalf("answer to %q: %v (read %q)", req, err, a)
	}
	return a
}

// action sends <cpanelaction> as Perl and PHP write it and decodes the
// JSON of the answer.
func (cl *client) action(tb testing.TB, js string) map[string]any {
	tb.Helper()
	return decodeAnswer(tb, cl.exec(tb, "<cpanelaction>\n"+js+"\n</cpanelaction>"))
}

// decodeAnswer checks an answer's frame and decodes its JSON.
func decodeAnswer(tb testing.TB, a string) map[string]any {
	tb.Helper()
	body, ok := strings.CutPrefix(a, "<?xml version=\"1.0\" ?>\n<cpanelresult>")
	if !ok {
		tb.Fatalf("answer does not start with the XML header and <cpanelresult>: %q", a)
	}
	body, ok = strings.CutSuffix(body, "</cpanelresult>\n")
	if !ok || strings.Contains(body, "\n") {
		tb.Fatalf("answer is not one line ending in </cpanelresult>: %q", a)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		tb.Fatalf("answer JSON: %v: %s", err, body)
	}
	return out
}

// at walks a decoded answer: at(m, "result", "data", "user").
func at(m any, keys ...string) any {
	for _, k := range keys {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

// mustClosed fails unless the server closes the connection without
// answering.
func (cl *client) mustClosed(tb testing.TB) {
	tb.Helper()
	if a, err := cl.answer(); err == nil || a != "" {
		tb.Fatalf("got %q, %v; want the connection closed without an answer", a, err)
	}
}
