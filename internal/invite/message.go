package invite

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Message is one plain-text mail.
type Message struct {
	Subject string
	Body    string // lines end in "\n"
}

// bytes renders m with its headers as the DATA of an SMTP conversation:
// the subject RFC 2047-encoded, the body UTF-8 in quoted-printable, so any
// text travels through any relay unchanged.
func (m Message) bytes(from, to *mail.Address, now time.Time) ([]byte, error) {
	var id [12]byte
	_, _ = rand.Read(id[:])
	_, senderDomain, _ := strings.Cut(from.Address, "@")
	subject := strings.Join(strings.Fields(m.Subject), " ") // no line breaks in a header
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n",
		from, to, mime.QEncoding.Encode("utf-8", subject), now.Format(time.RFC1123Z), hex.EncodeToString(id[:]), senderDomain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(m.Body)); err != nil {
		return nil, fmt.Errorf("invite: encode message: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("invite: encode message: %w", err)
	}
	return b.Bytes(), nil
}

// Invitation is what an invitation mail tells its reader.
type Invitation struct {
	FullUsername string    // the Subaccount, "bob@example.com"
	Link         string    // where the password is chosen
	Expires      time.Time // when the link stops working
}

// Message words the invitation.
func (inv Invitation) Message() Message {
	return Message{
		Subject: "You have been invited to " + inv.FullUsername,
		Body: "Hello,\n\n" +
			"An account has been created for you: " + inv.FullUsername + ".\n" +
			"It gives you access to the email, FTP and Web Disk services its owner enabled.\n\n" +
			"Choose your password here:\n\n  " + inv.Link + "\n\n" +
			"The link works once and expires on " + inv.Expires.UTC().Format("Monday, 2 January 2006 at 15:04 MST") + ".\n" +
			"If you did not expect this message, you can ignore it.\n",
	}
}

// tokenBytes is the entropy of an invitation secret: 256 bits.
const tokenBytes = 32

// NewToken returns a fresh invitation secret for a link and the hash to
// store in its place.
func NewToken() (token, hash string) {
	var b [tokenBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken returns the hex SHA-256 of a secret, the form that is stored
// and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
