package ftpd_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(what string, s hosting.FTPSession) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, what+" "+s.Login+" "+s.Status+" "+s.File)
}

func (r *recorder) SessionStarted(s hosting.FTPSession) { r.add("started", s) }
func (r *recorder) SessionChanged(s hosting.FTPSession) { r.add("changed", s) }
func (r *recorder) SessionEnded(s hosting.FTPSession)   { r.add("ended", s) }

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// TestObserver: the observer hears a login, a transfer and a kill, each
// once.
func TestObserver(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	rec := &recorder{}
	f.srv.Sessions().SetObserver(rec)
	c := mustLogin(t, f.addr, "bob@example.com", "bob-pass")
	startDownload(t, c)
	f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "big.bin"))
	waitFor(t, "the download's event", func() bool { return len(rec.seen()) >= 2 })
	if n, err := f.srv.Sessions().KillAccount(context.Background(), a.ID); err != nil || n != 1 {
		t.Fatalf("KillAccount = %d, %v", n, err)
	}
	waitFor(t, "the kill's event", func() bool { return len(rec.seen()) >= 3 })
	// The end may show the transfer or, if the kill stopped it first, idle.
	want := []string{"started bob@example.com IDLE ", "changed bob@example.com DL big.bin", "ended bob@example.com"}
	if got := rec.seen(); len(got) != 3 || !slices.Equal(got[:2], want[:2]) || !strings.HasPrefix(got[2], want[2]) {
		t.Fatalf("events %q, want %q", got, want)
	}
}
