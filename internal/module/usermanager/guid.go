package usermanager

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// guids makes cPanel's record identifiers,
// USERNAME:DOMAIN:HEXTIME:SHA256HEX in upper case, where the hash covers
// the host name, the record type and a random value. Stored Subaccounts keep
// theirs; service, hypothetical and cpanel records get a fresh one on every
// listing, as in cPanel (SPEC 6.9). One generator serves one call: it draws
// randomness once and then hashes a counter, so a listing of 100,000
// records does not read the system's random source 100,000 times.
type guids struct {
	host    string
	hexTime string
	seed    [16]byte
	n       uint64
	buf     []byte // what is hashed, reused
}

func newGUIDs(host string, now time.Time) *guids {
	g := &guids{host: host, hexTime: strconv.FormatInt(now.Unix(), 16)}
	_, _ = rand.Read(g.seed[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return g
}

// next returns a fresh GUID for a record of type typ; domain is "" for
// records without one (the cpanel record, the _logs login). It builds the
// string in one allocation: a listing makes one per record.
func (g *guids) next(user, domain, typ string) string {
	g.n++
	g.buf = append(append(append(append(g.buf[:0], g.host...), '\n'), typ...), '\n')
	g.buf = binary.BigEndian.AppendUint64(append(g.buf, g.seed[:]...), g.n)
	sum := sha256.Sum256(g.buf)
	var b strings.Builder
	b.Grow(len(user) + len(domain) + len(g.hexTime) + 3 + 2*sha256.Size)
	writeUpper(&b, user)
	b.WriteByte(':')
	writeUpper(&b, domain)
	b.WriteByte(':')
	writeUpper(&b, g.hexTime)
	b.WriteByte(':')
	for _, c := range sum {
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&0xf])
	}
	return b.String()
}

const upperHex = "0123456789ABCDEF"

// writeUpper writes s upper-cased: by byte for ASCII, which names are,
// and with strings.ToUpper otherwise.
func writeUpper(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b.WriteString(strings.ToUpper(s))
			return
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
}
