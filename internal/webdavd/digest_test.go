package webdavd_test

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

var nonceRE = regexp.MustCompile(`nonce="[^"]*"`)

// digestClient is a hand-written RFC 7616 client: it keeps the server's
// nonce and counts requests as the RFC asks.
type digestClient struct {
	t           *testing.T
	e           *env
	login, pass string
	algorithm   string // "MD5" or "MD5-sess"
	nonce       string
	nc          int
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// header computes the Authorization value for method and uri.
func (d *digestClient) header(method, uri string) string {
	d.nc++
	nc, cnonce := fmt.Sprintf("%08x", d.nc), fmt.Sprintf("c%d", d.nc)
	ha1 := md5hex(d.login + ":" + realm + ":" + d.pass)
	if d.algorithm == "MD5-sess" {
		ha1 = md5hex(ha1 + ":" + d.nonce + ":" + cnonce)
	}
	resp := md5hex(ha1 + ":" + d.nonce + ":" + nc + ":" + cnonce + ":auth:" + md5hex(method+":"+uri))
	return fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s", response="%s"`,
		d.login, realm, d.nonce, uri, d.algorithm, nc, cnonce, resp)
}

// send sends one request over plain HTTP with the given Authorization.
func (d *digestClient) send(method, uri, auth string) *http.Response {
	d.t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(d.e.plainURL, "/")+uri, nil)
	if err != nil {
		d.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Depth", "0")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		d.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// challenge takes the nonce of a 401's Digest challenge.
func (d *digestClient) challenge(res *http.Response) (stale bool) {
	d.t.Helper()
	for _, h := range res.Header.Values("Www-Authenticate") {
		if strings.HasPrefix(h, "Digest ") {
			if !strings.Contains(h, `realm="`+realm+`"`) || !strings.Contains(h, `qop="auth"`) {
				d.t.Fatalf("challenge %q", h)
			}
			d.nonce = strings.TrimSuffix(strings.TrimPrefix(nonceRE.FindString(h), `nonce="`), `"`)
			return strings.Contains(h, "stale=true")
		}
	}
	d.t.Fatalf("no Digest challenge in %v", res.Header)
	return false
}

func TestDigest(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "win", "example.com", "win-pass", diskOptions{digest: true})
	e.mustDisk(t, e.a, "nodigest", "example.com", "nd-pass", diskOptions{})
	for _, alg := range []string{"MD5", "MD5-sess"} {
		t.Run(alg, func(t *testing.T) {
			d := &digestClient{t: t, e: e, login: "win@example.com", pass: "win-pass", algorithm: alg}
			if res := d.send("PROPFIND", "/", ""); res.StatusCode != http.StatusUnauthorized || d.challenge(res) {
				t.Fatalf("no credentials: %d", res.StatusCode)
			}
			for i := 0; i < 3; i++ {
				if res := d.send("PROPFIND", "/", d.header("PROPFIND", "/")); res.StatusCode != http.StatusMultiStatus {
					t.Fatalf("request %d with the nonce: %d", i+1, res.StatusCode)
				}
			}
		})
	}
	t.Run("replay is stale", func(t *testing.T) {
		d := &digestClient{t: t, e: e, login: "win@example.com", pass: "win-pass", algorithm: "MD5"}
		d.challenge(d.send("PROPFIND", "/", ""))
		auth := d.header("PROPFIND", "/")
		if res := d.send("PROPFIND", "/", auth); res.StatusCode != http.StatusMultiStatus {
			t.Fatalf("first use: %d", res.StatusCode)
		}
		res := d.send("PROPFIND", "/", auth)
		if res.StatusCode != http.StatusUnauthorized || !d.challenge(res) {
			t.Fatalf("replayed header: %d, stale not set", res.StatusCode)
		}
		if res := d.send("PROPFIND", "/", d.header("PROPFIND", "/")); res.StatusCode != http.StatusMultiStatus {
			t.Fatalf("after stale, with the fresh nonce: %d", res.StatusCode)
		}
	})
	refusals := []struct {
		name string
		auth func(d *digestClient) string
	}{
		{"wrong password", func(d *digestClient) string { d.pass = "nope"; return d.header("PROPFIND", "/") }},
		{"digest not enabled", func(d *digestClient) string {
			d.login, d.pass = "nodigest@example.com", "nd-pass"
			return d.header("PROPFIND", "/")
		}},
		{"main login", func(d *digestClient) string {
			d.login, d.pass = "cpuser", "cpuser-password"
			return d.header("PROPFIND", "/")
		}},
		{"uri of another resource", func(d *digestClient) string { return d.header("PROPFIND", "/other") }},
		{"forged nonce", func(d *digestClient) string { d.nonce = strings.Repeat("A", 43); return d.header("PROPFIND", "/") }},
		{"other realm", func(d *digestClient) string {
			return strings.Replace(d.header("PROPFIND", "/"), `realm="`+realm+`"`, `realm="x"`, 1)
		}},
		{"no qop", func(d *digestClient) string {
			return strings.Replace(d.header("PROPFIND", "/"), "qop=auth, ", "", 1)
		}},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			d := &digestClient{t: t, e: e, login: "win@example.com", pass: "win-pass", algorithm: "MD5"}
			d.challenge(d.send("PROPFIND", "/", ""))
			res := d.send("PROPFIND", "/", tt.auth(d))
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", res.StatusCode)
			}
			// A forged nonce with a correct response is merely stale; every
			// other refusal is a plain failure.
			if stale := d.challenge(res); stale != (tt.name == "forged nonce") {
				t.Errorf("stale=%v", stale)
			}
		})
	}
}

// TestDigestWithGowebdav: a real client negotiates Digest on plain HTTP,
// where Basic is not offered, and works through it (it reuses nc=1, so
// every request costs it one stale round trip, which it handles).
func TestDigestWithGowebdav(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "win", "example.com", "win-pass", diskOptions{digest: true})
	c := e.client(e.plainURL, "win@example.com", "win-pass")
	if err := c.Write("/doc.txt", []byte("over digest"), 0o644); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if b, err := c.Read("/doc.txt"); err != nil || string(b) != "over digest" {
		t.Fatalf("Read: %q %v", b, err)
	}
	bad := e.client(e.plainURL, "win@example.com", "wrong")
	if _, err := bad.ReadDir("/"); statusOf(err) != http.StatusUnauthorized {
		t.Errorf("wrong password over digest: %v", err)
	}
}

// TestDigestHA1Vector checks hosting.DigestHA1 and this test's client
// against RFC 7616 section 3.9.1's MD5 example.
func TestDigestHA1Vector(t *testing.T) {
	t.Parallel()
	ha1 := hosting.DigestHA1("Mufasa", "http-auth@example.org", "Circle of Life")
	nonce, cnonce := "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	resp := md5hex(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + md5hex("GET:/dir/index.html"))
	if resp != "8ca523f5e9506fed4657c9700eebdbec" {
		t.Errorf("response %s, want RFC 7616's 8ca523f5e9506fed4657c9700eebdbec", resp)
	}
}
