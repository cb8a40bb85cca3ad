package usermanager

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
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
}

func newGUIDs(host string, now time.Time) *guids {
	g := &guids{host: host, hexTime: strconv.FormatInt(now.Unix(), 16)}
	_, _ = rand.Read(g.seed[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return g
}

// next returns a fresh GUID for a record of type typ; domain is "" for
// records without one (the cpanel record, the _logs login).
func (g *guids) next(user, domain, typ string) string {
	g.n++
	h := sha256.New()
	h.Write([]byte(g.host + "\n" + typ + "\n"))
	h.Write(g.seed[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], g.n)
	h.Write(n[:])
	var sum [sha256.Size]byte
	return strings.ToUpper(user + ":" + domain + ":" + g.hexTime + ":" + hex.EncodeToString(h.Sum(sum[:0])))
}
