package webdavd

import (
	"maps"
	"strings"
	"testing"
	"time"
)

func TestParseAuthParams(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want map[string]string // nil: malformed
	}{
		{`a=1, b="two", C="x,y"`, map[string]string{"a": "1", "b": "two", "c": "x,y"}},
		{`  a="q\"uote\\d" ,, b=2`, map[string]string{"a": `q"uote\d`, "b": "2"}},
		{``, map[string]string{}},
		{`a="unterminated`, nil},
		{`a=1, a=2`, nil},
		{`novalue`, nil},
		{`=1`, nil},
	}
	for _, tt := range tests {
		got, ok := parseAuthParams(tt.in)
		if ok != (tt.want != nil) || !maps.Equal(got, tt.want) {
			t.Errorf("parseAuthParams(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

func TestParseDigest(t *testing.T) {
	t.Parallel()
	good := `Digest username="bob@example.com", realm="r", nonce="n", uri="/", qop=auth, nc=00000001, cnonce="c", response="0123456789abcdef0123456789abcdef"`
	if d, ok := parseDigest(good); !ok || d.username != "bob@example.com" || d.qop != "auth" {
		t.Fatalf("parseDigest(good) = %+v, %v", d, ok)
	}
	for name, in := range map[string]string{
		"basic":         "Basic Ym9iOnB3",
		"no qop":        strings.Replace(good, "qop=auth, ", "", 1),
		"auth-int":      strings.Replace(good, "qop=auth", "qop=auth-int", 1),
		"sha-256":       good + ", algorithm=SHA-256",
		"nc zero":       strings.Replace(good, "nc=00000001", "nc=0", 1),
		"nc not hex":    strings.Replace(good, "nc=00000001", "nc=zz", 1),
		"nc too long":   strings.Replace(good, "nc=00000001", "nc=000000001", 1),
		"short resp":    strings.Replace(good, `response="0123456789abcdef0123456789abcdef"`, `response="01"`, 1),
		"no cnonce":     strings.Replace(good, `cnonce="c", `, "", 1),
		"no username":   strings.Replace(good, `username="bob@example.com", `, "", 1),
		"duplicate key": good + `, nonce="m"`,
	} {
		if _, ok := parseDigest(in); ok {
			t.Errorf("%s: parseDigest accepted %q", name, in)
		}
	}
}

func TestNonces(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_750_000_000, 0)
	n := newNonces(func() time.Time { return now })
	a := n.issue()
	if !n.use(a, 1) || !n.use(a, 2) || !n.use(a, 7) {
		t.Fatal("increasing counts refused")
	}
	if n.use(a, 7) || n.use(a, 3) {
		t.Error("a repeated or lower count was accepted (replay)")
	}
	forged := []byte(a)
	forged[10] = map[bool]byte{true: 'B', false: 'A'}[forged[10] == 'A']
	respelled := []byte(a)
	respelled[len(respelled)-1] ^= 1 // may decode to the same bytes unless decoding is strict
	if n.use(string(forged), 1) || n.use(string(respelled), 9) || n.use("not base64!", 1) || n.use("", 1) {
		t.Error("a nonce the server did not issue was accepted")
	}
	b := n.issue()
	now = now.Add(nonceTTL + time.Second)
	if n.use(b, 1) {
		t.Error("an expired nonce was accepted")
	}
	if other := newNonces(func() time.Time { return now }); other.use(n.issue(), 1) {
		t.Error("another process's nonce was accepted")
	}
}

func TestNoncesPruneForgetsSafely(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_750_000_000, 0)
	n := newNonces(func() time.Time { return now })
	first := n.issue()
	if !n.use(first, 1) {
		t.Fatal("fresh nonce refused")
	}
	for i := 0; i < maxNonces; i++ {
		n.use(n.issue(), 1)
	}
	// The table overflowed with live nonces: it starts over and changes its
	// key, so the forgotten count of first cannot be replayed.
	if n.use(first, 1) {
		t.Error("a nonce whose count was forgotten accepted a replayed count")
	}
}

func FuzzParseDigest(f *testing.F) {
	f.Add(`Digest username="a@b.c", realm="r", nonce="n", uri="/x", qop=auth, nc=1, cnonce="c", response="0123456789abcdef0123456789abcdef"`)
	f.Add(`Digest a="\`)
	f.Add(`Digest ,,,=,"`)
	f.Fuzz(func(t *testing.T, header string) {
		d, ok := parseDigest(header)
		if ok && (d.username == "" || len(d.response) != 32 || !strings.EqualFold(d.qop, "auth")) {
			t.Fatalf("accepted incomplete credentials %+v", d)
		}
	})
}
