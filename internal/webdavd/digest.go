package webdavd

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RFC 7616 Digest authentication, MD5 and MD5-sess with qop=auth: the only
// forms a stored HA1 of MD5(user@domain:realm:password) can verify, and the
// ones Windows' WebDAV redirector speaks.

const (
	// nonceTTL is how long a nonce is accepted. After it the client gets
	// stale=true and retries with a fresh one without asking the user.
	nonceTTL = 5 * time.Minute
	// maxNonces bounds the nonce-count table; past it, expired entries are
	// dropped, and if that is not enough the table starts over (clients
	// then see stale=true once).
	maxNonces = 1 << 16
	// nonceLen is the decoded nonce: 8 bytes of issue time, 8 random bytes
	// and 16 bytes of HMAC over both.
	nonceLen = 32
)

// digestCreds are the parameters of an "Authorization: Digest" header.
type digestCreds struct {
	username, realm, nonce, uri, response string
	algorithm, qop, nc, cnonce            string
}

// parseDigest reads the credentials of an Authorization header value
// "Digest k=v, k2="v2", …". It reports false for anything malformed or
// missing a parameter qop=auth needs.
func parseDigest(header string) (*digestCreds, bool) {
	scheme, rest, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Digest") {
		return nil, false
	}
	p, ok := parseAuthParams(rest)
	if !ok {
		return nil, false
	}
	d := &digestCreds{username: p["username"], realm: p["realm"], nonce: p["nonce"], uri: p["uri"],
		response: strings.ToLower(p["response"]), algorithm: p["algorithm"], qop: p["qop"], nc: p["nc"],
		cnonce: p["cnonce"]}
	if d.username == "" || d.nonce == "" || d.uri == "" || len(d.response) != 32 || d.cnonce == "" {
		return nil, false
	}
	if !strings.EqualFold(d.qop, "auth") || !validAlgorithm(d.algorithm) {
		return nil, false
	}
	if _, ok := d.count(); !ok {
		return nil, false
	}
	return d, true
}

func validAlgorithm(a string) bool {
	return a == "" || strings.EqualFold(a, "MD5") || strings.EqualFold(a, "MD5-sess")
}

// count returns the nonce count, which RFC 7616 sends as 8 hex digits;
// shorter forms are accepted because some clients send "nc=1".
func (d *digestCreds) count() (uint64, bool) {
	if len(d.nc) == 0 || len(d.nc) > 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(d.nc, 16, 32)
	return n, err == nil && n > 0
}

// parseAuthParams parses a comma-separated list of auth-params, token or
// quoted-string values, keys folded to lower case. A repeated key or an
// unterminated quote is malformed.
func parseAuthParams(s string) (map[string]string, bool) {
	params := make(map[string]string)
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return params, true
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, false
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var ok bool
			if val, s, ok = unquote(s); !ok {
				return nil, false
			}
		} else {
			end := strings.IndexAny(s, ", \t")
			if end < 0 {
				end = len(s)
			}
			val, s = s[:end], s[end:]
		}
		if _, dup := params[key]; dup || key == "" {
			return nil, false
		}
		params[key] = val
	}
}

// unquote reads a quoted-string at the start of s (backslash escapes the
// next byte) and returns its value and what follows it.
func unquote(s string) (val, rest string, ok bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i++; i < len(s) {
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}

// matches reports whether the response proves knowledge of the password
// whose HA1 is ha1, for this method. The uri parameter is hashed as the
// client sent it.
func (d *digestCreds) matches(ha1, method string) bool {
	if strings.EqualFold(d.algorithm, "MD5-sess") {
		ha1 = md5Hex(ha1 + ":" + d.nonce + ":" + d.cnonce)
	}
	ha2 := md5Hex(method + ":" + d.uri)
	want := md5Hex(ha1 + ":" + d.nonce + ":" + d.nc + ":" + d.cnonce + ":" + d.qop + ":" + ha2)
	return subtle.ConstantTimeCompare([]byte(want), []byte(d.response)) == 1
}

// uriMatches reports whether the uri parameter names the request's
// resource. Clients differ in escaping and in a trailing slash, so both
// sides are compared unescaped and cleaned; the response binds the exact
// string anyway.
func (d *digestCreds) uriMatches(requestURI string) bool {
	if d.uri == requestURI {
		return true
	}
	return cleanURIPath(d.uri) == cleanURIPath(requestURI) && cleanURIPath(d.uri) != ""
}

func cleanURIPath(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return path.Clean("/" + u.Path)
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// nonces issues server nonces that can be validated without storing them
// (an HMAC under a per-process key over the issue time and random bytes)
// and remembers the highest nonce count used with each, so a captured
// request cannot be replayed.
type nonces struct {
	key []byte
	now func() time.Time

	mu     sync.Mutex
	counts map[string]nonceUse
}

type nonceUse struct {
	nc      uint64
	expires time.Time
}

func newNonces(now func() time.Time) *nonces {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand does not fail on supported platforms
	return &nonces{key: key, now: now, counts: make(map[string]nonceUse)}
}

// issue returns a fresh nonce.
func (n *nonces) issue() string {
	var b [nonceLen]byte
	binary.BigEndian.PutUint64(b[:8], uint64(n.now().UnixNano()))
	_, _ = rand.Read(b[8:16])
	n.mu.Lock()
	copy(b[16:], n.mac(b[:16]))
	n.mu.Unlock()
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// mac signs a nonce's time and random bytes; n.mu is held, since prune
// may change the key.
func (n *nonces) mac(b []byte) []byte {
	m := hmac.New(sha256.New, n.key)
	m.Write(b)
	return m.Sum(nil)[:nonceLen-16]
}

// use reports whether nonce was issued here within nonceTTL and nc is
// higher than any count used with it before, and records nc. A false
// answer means stale: the client should retry with a fresh nonce.
func (n *nonces) use(nonce string, nc uint64) bool {
	// Strict: one nonce has one spelling, so its count cannot be dodged by
	// re-spelling the unused bits of the last character.
	b, err := base64.RawURLEncoding.Strict().DecodeString(nonce)
	if err != nil || len(b) != nonceLen {
		return false
	}
	now := n.now()
	issued := time.Unix(0, int64(binary.BigEndian.Uint64(b[:8])))
	if now.Before(issued) || now.Sub(issued) > nonceTTL {
		return false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if !hmac.Equal(b[16:], n.mac(b[:16])) {
		return false
	}
	if nc <= n.counts[nonce].nc {
		return false
	}
	if len(n.counts) >= maxNonces {
		n.prune(now)
	}
	n.counts[nonce] = nonceUse{nc: nc, expires: issued.Add(nonceTTL)}
	return true
}

// prune drops expired counts. If that is not enough it forgets them all and
// changes the key, so that no outstanding nonce, whose count is forgotten,
// can be replayed: their clients see stale=true once.
func (n *nonces) prune(now time.Time) {
	for k, u := range n.counts {
		if now.After(u.expires) {
			delete(n.counts, k)
		}
	}
	if len(n.counts) >= maxNonces {
		clear(n.counts)
		_, _ = rand.Read(n.key)
	}
}

// digestChallenge is the WWW-Authenticate value offering Digest.
func digestChallenge(realm, nonce string, stale bool) string {
	c := `Digest realm="` + realm + `", qop="auth", algorithm=MD5, nonce="` + nonce + `"`
	if stale {
		c += ", stale=true"
	}
	return c
}
