// Package smtptest is an in-process SMTP server for tests of code that
// sends mail: it listens on 127.0.0.1:0, speaks just enough SMTP for
// net/smtp's client (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every
// message it receives and can be told to refuse recipients. It is imported
// only by tests.
package smtptest

import (
	"io"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
)

// Mail is one message the server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte // as sent, headers and encoded body
}

// Text returns the message's headers and its body decoded from
// quoted-printable when it is encoded so.
func (m Mail) Text() (mail.Header, string, error) {
	msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
	if err != nil {
		return nil, "", err
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	b, err := io.ReadAll(body)
	return msg.Header, string(b), err
}

// Server is a running test server.
type Server struct {
	ln     net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	mails  []Mail
	refuse string // RCPT reply when set, e.g. "550 5.1.1 no such user"
}

// Start runs a server until the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{ln: ln}
	s.wg.Add(1)
	go s.serve()
	tb.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

// Addr returns the server's "host:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Mails returns the messages accepted so far. A message is stored before
// the server acknowledges its DATA, so it is here when the client's Send
// returns.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Refuse makes every later RCPT fail with reply (e.g. "550 no such user");
// "" accepts again.
func (s *Server) Refuse(reply string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = reply
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			s.session(textproto.NewConn(conn))
		}()
	}
}

// session answers one client until QUIT or a broken connection.
func (s *Server) session(c *textproto.Conn) {
	reply := func(line string) bool { return c.PrintfLine("%s", line) == nil }
	if !reply("220 smtptest ESMTP") {
		return
	}
	var cur Mail
	for {
		line, err := c.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		var ok bool
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ok = reply("250 smtptest")
		case "MAIL":
			cur = Mail{From: addrOf(arg)}
			ok = reply("250 2.1.0 Ok")
		case "RCPT":
			ok = s.rcpt(&cur, arg, reply)
		case "DATA":
			ok = s.data(c, &cur, reply)
		case "RSET":
			cur = Mail{}
			ok = reply("250 2.0.0 Ok")
		case "NOOP":
			ok = reply("250 2.0.0 Ok")
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		default:
			ok = reply("502 5.5.2 Command not recognized")
		}
		if !ok {
			return
		}
	}
}

func (s *Server) rcpt(cur *Mail, arg string, reply func(string) bool) bool {
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse != "" {
		return reply(refuse)
	}
	cur.To = append(cur.To, addrOf(arg))
	return reply("250 2.1.5 Ok")
}

func (s *Server) data(c *textproto.Conn, cur *Mail, reply func(string) bool) bool {
	if !reply("354 End data with <CR><LF>.<CR><LF>") {
		return false
	}
	data, err := c.ReadDotBytes()
	if err != nil {
		return false
	}
	cur.Data = data
	s.mu.Lock()
	s.mails = append(s.mails, *cur)
	s.mu.Unlock()
	*cur = Mail{}
	return reply("250 2.0.0 Ok: queued")
}

// addrOf extracts the address from "FROM:<a@b>" or "TO:<a@b> SIZE=…".
func addrOf(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}
