package invite_test

import (
	"context"
	"mime"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/invite"
	"github.com/uapid/uapid/internal/invite/smtptest"
)

func mustSMTP(tb testing.TB, relay string) *invite.SMTP {
	tb.Helper()
	m, err := invite.NewSMTP(invite.SMTPConfig{Relay: relay, From: "Hosting <noreply@host.example>", Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestSendDeliversToTheRelay(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	inv := invite.Invitation{FullUsername: "bob@example.com", Link: "https://host.example:2083/invitation?token=abc",
		Expires: time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)}
	msg := inv.Message()
	// Non-ASCII text and a line starting with a dot must arrive unchanged.
	msg.Body += ".leading dot\nGrüße, ünïcode ✓\n"
	if err := mustSMTP(t, srv.Addr()).Send(context.Background(), "Bob <bob@example.net>", msg); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.From != "noreply@host.example" || len(m.To) != 1 || m.To[0] != "bob@example.net" {
		t.Fatalf("envelope %q → %q", m.From, m.To)
	}
	h, body, err := m.Text()
	if err != nil {
		t.Fatal(err)
	}
	if subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); err != nil || subj != "You have been invited to bob@example.com" {
		t.Errorf("subject %q (%v)", subj, err)
	}
	if h.Get("To") != `"Bob" <bob@example.net>` || !strings.Contains(h.Get("Message-Id"), "@host.example>") {
		t.Errorf("headers %v", h)
	}
	for _, want := range []string{"bob@example.com", inv.Link, "2 January 2030", "\n.leading dot\n", "Grüße, ünïcode ✓"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
}

func TestSendFailures(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	srv.Refuse("550 5.1.1 no such user")
	m := mustSMTP(t, srv.Addr())
	msg := invite.Message{Subject: "s", Body: "b\n"}
	if err := m.Send(context.Background(), "bob@example.net", msg); err == nil || !strings.Contains(err.Error(), "no such user") {
		t.Errorf("refused recipient: %v", err)
	}
	for _, to := range []string{"not an address", "a@b.example\r\nBcc: x@y.example", ""} {
		if err := m.Send(context.Background(), to, msg); err == nil {
			t.Errorf("Send(%q) succeeded", to)
		}
	}
	if len(srv.Mails()) != 0 {
		t.Errorf("mails were accepted: %v", srv.Mails())
	}
	// A relay that is not there fails at once; a cancelled context too.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	if err := mustSMTP(t, dead).Send(context.Background(), "bob@example.net", msg); err == nil {
		t.Error("Send to a closed port succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Send(ctx, "bob@example.net", msg); err == nil {
		t.Error("Send with a cancelled context succeeded")
	}
}

// TestSendTimesOut: a relay that accepts the connection but never answers
// must not hold the caller beyond the timeout.
func TestSendTimesOut(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	m, err := invite.NewSMTP(invite.SMTPConfig{Relay: ln.Addr().String(), From: "a@b.example", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := m.Send(context.Background(), "bob@example.net", invite.Message{Subject: "s", Body: "b"}); err == nil {
		t.Fatal("Send to a silent relay succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Send took %v", d)
	}
}

func TestNewSMTPChecksConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []invite.SMTPConfig{
		{Relay: "localhost", From: "a@b.example"},
		{Relay: "localhost:25", From: "not an address"},
		{Relay: "localhost:25", From: "a@b.example\r\nX: y"},
	} {
		if _, err := invite.NewSMTP(cfg); err == nil {
			t.Errorf("NewSMTP(%+v) accepted", cfg)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 100 {
		tok, hash := invite.NewToken()
		if len(tok) != 43 || strings.ContainsAny(tok, "+/=") || seen[tok] {
			t.Fatalf("token %q (URL-safe, 256 bits, unique)", tok)
		}
		seen[tok] = true
		if hash != invite.HashToken(tok) || len(hash) != 64 || hash == tok {
			t.Fatalf("hash %q of %q", hash, tok)
		}
	}
}
