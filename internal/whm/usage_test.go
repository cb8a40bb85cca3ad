package whm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// writeCounted writes size bytes to rel in acct's home through an Fs whose
// changes the usage keeper counts, as the FTP and WebDAV servers write.
func (e *env) writeCounted(t *testing.T, acct *hosting.Account, rel string, size int) {
	t.Helper()
	v, err := vfs.Open(acct.HomeDir, vfs.Options{Usage: e.usage.Counter(acct, "", nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.MkdirAll(filepath.Dir(rel), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := v.Create(rel)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// diskUsed returns listaccts' diskused by user (only the fields wanted).
func (e *env) diskUsed(t *testing.T, function, body string) map[string]string {
	t.Helper()
	_, r := e.post(t, function, body)
	if r.Metadata.Result != 1 {
		t.Fatalf("%s: %+v", function, r.Metadata)
	}
	b, _ := json.Marshal(r.Data)
	var data struct {
		Acct []map[string]any `json:"acct"`
	}
	if err := json.Unmarshal(b, &data); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range data.Acct {
		used, _ := a["diskused"].(string)
		out[a["user"].(string)] = used
	}
	return out
}

// listaccts and accountsummary report the homes' kept counts: what was
// written through the counted Fs, in cPanel's "NNNM", and no request walks
// a home (a deep tree behind the counter's back is neither walked nor
// counted).
func TestDiskUsedIsKeptNotWalked(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	sizes := map[string]int{"amy": 3<<20 + 1000, "bob": 5<<20 + 512<<10, "cal": 0}
	base := map[string]int64{}
	for name, size := range sizes {
		a := fixture.Account(t, e.accounts, name, name+".example", name+"-password")
		c, err := e.usage.Rescan(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		base[name] = c.Dirs[hosting.UsageHome]
		if size > 0 {
			e.writeCounted(t, a, "public_html/data/file.bin", size)
		}
		deep := filepath.Join(a.HomeDir, strings.Repeat("d/", 100))
		if err := os.MkdirAll(deep, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(deep, "uncounted.bin"), make([]byte, 2<<20), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	walked := e.walks.Load()
	want := func(name string) string { return mb(base[name] + int64(sizes[name])) }
	got := e.diskUsed(t, "listaccts", "want=user,diskused")
	for name := range sizes {
		if got[name] != want(name) {
			t.Errorf("listaccts diskused of %s = %q, want %q", name, got[name], want(name))
		}
	}
	for name := range sizes {
		if got := e.diskUsed(t, "accountsummary", "user="+name); got[name] != want(name) {
			t.Errorf("accountsummary diskused of %s = %q, want %q", name, got[name], want(name))
		}
	}
	if n := e.walks.Load() - walked; n != 0 {
		t.Errorf("listaccts and accountsummary walked %d homes", n)
	}
}

// An account whose count was never set by a rescan (its usage is unknown)
// reports what was counted so far; the rescan runs in the background, not
// in the request: the request answers while that rescan is held inside
// its walk, and once it is done the uncounted file is counted.
func TestUnscannedAccountRescannedInBackground(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	walking, release := make(chan int64, 1), make(chan struct{})
	e.onWalk = func(id int64) {
		select { // later walks are not awaited: never block them on the channel
		case walking <- id:
		default:
		}
		<-release
	}
	a := fixture.Account(t, e.accounts, "dan", "dan.example", "dan-password")
	e.writeCounted(t, a, "public_html/a.bin", 1<<20)
	if err := os.WriteFile(filepath.Join(a.HomeDir, "lost.bin"), make([]byte, 4<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	answer := make(chan string, 1)
	go func() { answer <- e.diskUsed(t, "listaccts", "want=user,diskused")["dan"] }()
	select {
	case got := <-answer:
		if got != "1M" {
			t.Fatalf("before the rescan diskused = %q, want the kept 1M", got)
		}
	case <-time.After(time.Minute): // a hang guard, not a speed check
		t.Fatal("listaccts waited for the rescan's walk")
	}
	select {
	case id := <-walking:
		if id != a.ID {
			t.Fatalf("rescan of account %d, want %d", id, a.ID)
		}
	case <-time.After(time.Minute): // a hang guard, not a speed check
		t.Fatal("no rescan was scheduled for the unscanned account")
	}
	if got := e.diskUsed(t, "accountsummary", "user=dan")["dan"]; got != "1M" {
		t.Fatalf("during the rescan diskused = %q, want the kept 1M", got)
	}
	close(release)
	released = true
	c, err := e.usage.Rescan(context.Background(), a) // joins the running rescan
	if err != nil {
		t.Fatal(err)
	}
	if n := c.Dirs[hosting.UsageHome]; n < 5<<20 {
		t.Fatalf("rescan counted %d bytes, want the 5 MiB on disk", n)
	}
	if got, want := e.diskUsed(t, "listaccts", "want=user,diskused")["dan"], mb(c.Dirs[hosting.UsageHome]); got != want {
		t.Fatalf("after the rescan diskused = %q, want %q", got, want)
	}
}

// mb is WHM's diskused form of n bytes.
func mb(n int64) string { return fmt.Sprintf("%dM", n>>20) }
