package webdavd_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/vfs"
	"github.com/uapid/uapid/internal/webdavd"
)

// lockBody is a LOCK request body asking for an exclusive write lock with
// an owner of ownerBytes bytes.
func lockBody(ownerBytes int) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>` +
		`<D:owner>` + strings.Repeat("x", ownerBytes) + `</D:owner></D:lockinfo>`
}

// rawClient sends requests with Basic credentials over plain HTTP (the
// server accepts them there with BasicWithoutTLS), sparing the TLS cost of
// thousands of requests.
type rawClient struct {
	base, login, pass string
	http              *http.Client
}

func newRawClient(e *env, login, pass string) *rawClient {
	return &rawClient{base: strings.TrimSuffix(e.plainURL, "/"), login: login, pass: pass,
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
}

// do sends one request and returns its status, headers and body.
func (c *rawClient) do(tb testing.TB, method, path, body string, hdr map[string]string) (int, http.Header, string) {
	tb.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.SetBasicAuth(c.login, c.pass)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.http.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	return res.StatusCode, res.Header, string(b)
}

// TestLockFlood is the attack of issue 11: 9,000 LOCKs with 60 KB owners
// and "Timeout: Infinite" from one login. Past the per-login cap every one
// is refused with 507, the timeout granted is the maximum, the metric
// counts the refusals, and the heap stays far below the 1 GB the attack
// once reached.
func TestLockFlood(t *testing.T) {
	t.Parallel()
	const perLogin, attempts, owner = 50, 9000, 60 << 10
	reg := prometheus.NewRegistry()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true, metrics: reg, locks: webdavd.LockLimits{
		PerLogin: perLogin, OwnerBytes: 64 << 10, MaxTimeout: 10 * time.Minute}})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	c := newRawClient(e, "bob@example.com", "bob-pass")
	body := lockBody(owner)
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < attempts; i += 8 {
				code, _, answer := c.do(t, "LOCK", fmt.Sprintf("/f%d", i), body, map[string]string{"Timeout": "Infinite"})
				if code == http.StatusOK || code == http.StatusCreated {
					if !strings.Contains(answer, "<D:timeout>Second-600</D:timeout>") {
						t.Errorf("LOCK granted without the longest timeout: %.300s", answer)
					}
				}
				mu.Lock()
				statuses[code]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	granted := statuses[http.StatusOK] + statuses[http.StatusCreated]
	if granted != perLogin || statuses[http.StatusInsufficientStorage] != attempts-perLogin {
		t.Fatalf("LOCK answers %v: want %d granted and the rest 507", statuses, perLogin)
	}
	if n := e.srv.ReapLocks(time.Now()); n != perLogin {
		t.Errorf("the server holds %d locks, want %d", n, perLogin)
	}
	hits := mustLimitHits(t, reg, "locks_per_login")
	if hits != attempts-perLogin {
		t.Errorf("uapid_webdav_limit_hits_total{limit=locks_per_login} = %v, want %d", hits, attempts-perLogin)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	// A loose bound for the whole test process: 50 locks of 60 KB are 3 MB,
	// 9,000 unbounded ones were 1 GB.
	if ms.HeapAlloc > 128<<20 {
		t.Errorf("heap holds %d MiB after the flood", ms.HeapAlloc>>20)
	}
}

// mustLimitHits returns the limit-hits counter of one limit.
func mustLimitHits(tb testing.TB, reg *prometheus.Registry, limit string) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "uapid_webdav_limit_hits_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "limit" && l.GetValue() == limit {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	tb.Fatalf("no uapid_webdav_limit_hits_total{limit=%q}", limit)
	return 0
}

// TestLockLimits: with the default limits an oversized owner is refused
// with 413, an oversized lock token with 400; unlocking makes room again;
// expired locks are reaped and their places given back.
func TestLockLimits(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true, locks: webdavd.LockLimits{PerLogin: 2, MaxTimeout: time.Minute}})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	c := newRawClient(e, "bob@example.com", "bob-pass")
	if code, _, _ := c.do(t, "LOCK", "/big", lockBody(webdavd.DefaultMaxLockOwner+1), nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("LOCK with an owner over the limit: %d, want 413", code)
	}
	if _, err := os.Stat(filepath.Join(e.a.HomeDir, "public_html/bob/big")); !os.IsNotExist(err) {
		t.Errorf("a refused LOCK created its resource: %v", err)
	}
	var tokens []string
	for i := range 3 {
		code, hdr, answer := c.do(t, "LOCK", fmt.Sprintf("/f%d", i), lockBody(100), map[string]string{"Timeout": "Second-4100000000"})
		switch {
		case i < 2 && code != http.StatusCreated:
			t.Fatalf("LOCK %d: %d %s", i, code, answer)
		case i < 2 && !strings.Contains(answer, "Second-60<"):
			t.Errorf("LOCK %d granted a timeout over the maximum: %s", i, answer)
		case i == 2 && code != http.StatusInsufficientStorage:
			t.Errorf("LOCK past the limit: %d, want 507", code)
		}
		tokens = append(tokens, hdr.Get("Lock-Token"))
	}
	long := "<opaquelocktoken:" + strings.Repeat("a", 300) + ">"
	if code, _, _ := c.do(t, "UNLOCK", "/f0", "", map[string]string{"Lock-Token": long}); code != http.StatusBadRequest {
		t.Errorf("UNLOCK with a token too long: %d, want 400", code)
	}
	if code, _, _ := c.do(t, "PUT", "/f0", "x", map[string]string{"If": "(" + strings.Repeat("<urn:x> ", 2000) + ")"}); code != http.StatusBadRequest {
		t.Errorf("PUT with an If header too long: %d, want 400", code)
	}
	if code, _, _ := c.do(t, "UNLOCK", "/f0", "", map[string]string{"Lock-Token": tokens[0]}); code != http.StatusNoContent {
		t.Fatalf("UNLOCK: %d", code)
	}
	if code, _, _ := c.do(t, "LOCK", "/f2", lockBody(100), nil); code != http.StatusCreated {
		t.Errorf("LOCK after an UNLOCK made room: %d", code)
	}
	// Locks last a minute at most: a minute later the reaper removes them,
	// whether or not the login sends another request.
	if n := e.srv.ReapLocks(time.Now().Add(61 * time.Second)); n != 0 {
		t.Errorf("%d locks left after their timeout", n)
	}
	if code, _, _ := c.do(t, "LOCK", "/f3", lockBody(100), nil); code != http.StatusCreated {
		t.Errorf("LOCK after the reaper: %d", code)
	}
}

// TestPropfindDepth: Depth 0 and 1 are served; infinity, or no Depth at
// all, on a collection gets 403 with propfind-finite-depth as Apache's
// DavDepthInfinity Off; a symlink loop cannot make a Depth 1 answer large.
func TestPropfindDepth(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	mustWrite(t, e.a, "public_html/bob/dir/file.txt", "hello")
	for _, l := range []string{"public_html/bob/dir/loop", "public_html/bob/loop"} {
		if err := os.Symlink(".", filepath.Join(e.a.HomeDir, l)); err != nil {
			t.Fatal(err)
		}
	}
	c := newRawClient(e, "bob@example.com", "bob-pass")
	for _, tc := range []struct {
		name, path, depth string
		want              int
	}{
		{"depth 0", "/dir/", "0", http.StatusMultiStatus},
		{"depth 1", "/dir/", "1", http.StatusMultiStatus},
		{"depth 1 at the top", "/", "1", http.StatusMultiStatus},
		{"depth 1 through the loop", "/loop/loop/dir/", "1", http.StatusMultiStatus},
		{"infinity", "/", "infinity", http.StatusForbidden},
		{"infinity through the loop", "/loop/", "infinity", http.StatusForbidden},
		{"no depth", "/dir/", "", http.StatusForbidden},
		{"infinity on a file", "/dir/file.txt", "infinity", http.StatusMultiStatus},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.depth != "" {
				hdr["Depth"] = tc.depth
			}
			code, h, body := c.do(t, "PROPFIND", tc.path, "", hdr)
			if code != tc.want {
				t.Fatalf("PROPFIND %s Depth %q: %d, want %d: %s", tc.path, tc.depth, code, tc.want, body)
			}
			if code == http.StatusForbidden && (!strings.Contains(body, "<D:propfind-finite-depth/>") ||
				!strings.HasPrefix(h.Get("Content-Type"), "application/xml")) {
				t.Errorf("403 without the propfind-finite-depth error: %s %s", h.Get("Content-Type"), body)
			}
			if len(body) > 4096 {
				t.Errorf("answer of %d bytes", len(body))
			}
		})
	}
}

// TestHugeCollection: a collection of more than vfs.MaxListEntries
// entries (empty files: no quota stops them) is refused a Depth 1
// PROPFIND before the answer begins, and a COPY of it fails; a listing in
// part would let a syncing client delete the rest. Depth 0 still answers.
func TestHugeCollection(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	fixture.EmptyEntries(t, filepath.Join(e.a.HomeDir, "public_html", "bob", "big"), vfs.MaxListEntries+1)
	c := newRawClient(e, "bob@example.com", "bob-pass")
	code, _, body := c.do(t, "PROPFIND", "/big/", "", map[string]string{"Depth": "1"})
	if code != http.StatusForbidden || !strings.Contains(body, "cannot be listed at once") {
		t.Errorf("PROPFIND Depth 1: %d %q, want 403", code, body)
	}
	if code, _, body := c.do(t, "PROPFIND", "/big/", "", map[string]string{"Depth": "0"}); code != http.StatusMultiStatus {
		t.Errorf("PROPFIND Depth 0: %d %q", code, body)
	}
	dest := map[string]string{"Destination": c.base + "/copy/", "Depth": "infinity"}
	if code, _, body := c.do(t, "COPY", "/big/", "", dest); code < 400 {
		t.Errorf("COPY: %d %q, want refused", code, body)
	}
}

// TestLockReaperRuns: expired locks are removed by the server's own timer,
// with no request and no call of ReapLocks; ReapLocks at the zero time
// only counts them.
func TestLockReaperRuns(t *testing.T) {
	t.Parallel()
	e := mustEnvWith(t, envOptions{basicWithoutTLS: true, lockReapEvery: 50 * time.Millisecond,
		locks: webdavd.LockLimits{MaxTimeout: time.Second}})
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	c := newRawClient(e, "bob@example.com", "bob-pass")
	if code, _, answer := c.do(t, "LOCK", "/f0", lockBody(100), nil); code != http.StatusCreated {
		t.Fatalf("LOCK: %d %s", code, answer)
	}
	if n := e.srv.ReapLocks(time.Time{}); n != 1 {
		t.Fatalf("%d locks held after a LOCK", n)
	}
	waitFor(t, func() bool { return e.srv.ReapLocks(time.Time{}) == 0 })
}

func TestNegativeLockReapIntervalRefused(t *testing.T) {
	t.Parallel()
	_, err := webdavd.New(webdavd.Config{LockReapEvery: -time.Second}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "reap interval") {
		t.Errorf("New = %v, want the negative lock reap interval refused", err)
	}
}
