package ftp

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/usage"
	"github.com/uapid/uapid/internal/vfs"
)

// A login that builds a very deep tree does not make list_ftp_with_disk
// walk it: the counts were kept as the files were written.
func TestListFTPWithDiskDoesNotWalk(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	var walks atomic.Int64
	e.usage = usage.New(usage.Config{OnWalk: func(int64) { walks.Add(1) }}, e.db, fixture.Logger(t))
	t.Cleanup(func() { _ = e.usage.Close() })
	e.wire(t, Config{Port: 2121}, e.db, e.sessions)
	if _, err := e.usage.Rescan(context.Background(), e.a); err != nil {
		t.Fatal(err)
	}
	v, err := vfs.Open(e.a.HomeDir, vfs.Options{Usage: e.usage.Counter(e.a, "", nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	deep := strings.Repeat("d/", 1000)
	if err := v.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := v.Create(deep + "leaf.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 3*bytesPerMB)); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	before := walks.Load()
	for range 5 {
		r := e.mustOK(t, e.a, "list_ftp_with_disk", "include_acct_types=main")
		if got := r.Data.([]withDisk)[0].DiskUsed; got != "3.00" {
			t.Errorf("main login's diskused %s, want 3.00", got)
		}
	}
	if n := walks.Load() - before; n != 0 {
		t.Errorf("list_ftp_with_disk walked %d times", n)
	}
}
