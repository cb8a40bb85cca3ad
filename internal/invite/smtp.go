package invite

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// Mailer sends one message to one recipient.
type Mailer interface {
	Send(ctx context.Context, to string, m Message) error
}

// DefaultTimeout bounds one whole SMTP conversation.
const DefaultTimeout = 30 * time.Second

// SMTPConfig names the relay invitations go through.
type SMTPConfig struct {
	// Relay is the relay's "host:port". It must accept mail from uapid
	// without authentication (by address, as a local Postfix does).
	Relay string
	// From is the sender address, e.g. "cPanel <noreply@host.example>".
	From string
	// Hello is the name uapid gives in EHLO; "" means "localhost".
	Hello string
	// Timeout bounds one conversation; 0 means DefaultTimeout.
	Timeout time.Duration
}

// SMTP is a Mailer that hands messages to a relay. It is safe for
// concurrent use: each message has a connection of its own.
type SMTP struct {
	cfg  SMTPConfig
	from *mail.Address
}

// NewSMTP checks cfg and returns the mailer.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if _, _, err := net.SplitHostPort(cfg.Relay); err != nil {
		return nil, fmt.Errorf("invite: SMTP relay %q is not host:port: %w", cfg.Relay, err)
	}
	from, err := parseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("invite: sender %q: %w", cfg.From, err)
	}
	if cfg.Hello == "" {
		cfg.Hello = "localhost"
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// Send delivers m to the relay for to. STARTTLS is used when the relay
// offers it, verifying the relay's certificate against its host name.
func (s *SMTP) Send(ctx context.Context, to string, m Message) error {
	rcpt, err := parseAddress(to)
	if err != nil {
		return fmt.Errorf("invite: recipient %q: %w", to, err)
	}
	body, err := m.bytes(s.from, rcpt, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.cfg.Relay)
	if err != nil {
		return fmt.Errorf("invite: connect to SMTP relay: %w", err)
	}
	// net/smtp has no context: a deadline on the connection bounds every
	// command, and cancelling ctx closes the connection.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if err := s.converse(conn, rcpt.Address, body); err != nil {
		return fmt.Errorf("invite: send to %s through %s: %w", rcpt.Address, s.cfg.Relay, err)
	}
	return nil
}

// converse runs one SMTP conversation on conn.
func (s *SMTP) converse(conn net.Conn, to string, body []byte) error {
	host, _, _ := net.SplitHostPort(s.cfg.Relay)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(s.cfg.Hello); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	} else if !isLoopback(host) {
		// The message carries a one-time secret: it crosses a network only
		// encrypted. A relay on this machine (a local Postfix) is trusted.
		return fmt.Errorf("the relay does not offer STARTTLS, and invitations carry a secret")
	}
	if err := c.Mail(s.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseAddress accepts one address ("a@b" or "Name <a@b>") and refuses line
// breaks, which would let a value add headers or SMTP commands.
func parseAddress(s string) (*mail.Address, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errors.New("the address contains a line break")
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Interface guard.
var _ Mailer = (*SMTP)(nil)
