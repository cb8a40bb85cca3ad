package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/vfs"
)

// TestTwoNodesShareFTPQuota uploads for one FTP login through two nodes on
// one PostgreSQL database at once: the quota holds for the sum, and the
// upload that reaches it is answered 552 (issue 12).
func TestTwoNodesShareFTPQuota(t *testing.T) {
	dsn := fixture.PostgresDSN(t, "running several nodes")
	a := mustNode(t, dsn, "quota-a", true)
	b := mustNode(t, dsn, "quota-b", false)
	a.demo = mustDemo(t, a)
	basic := func(q *http.Request) { q.SetBasicAuth("demo", a.demo.Password) }
	const quotaMB = 4
	if r := getResult(t, a.http, a.url+"/execute/Ftp/add_ftp?user=both&pass=Both-pass-1&homedir=both&quota=4", basic); r.Status != 1 {
		t.Fatalf("add_ftp: %+v", r)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, node := range []*server{a, b} {
		c := node.mustFTPLogin(t, "both@demo.example", "Both-pass-1")
		wg.Go(func() {
			errs[i] = c.Stor("part"+string(rune('a'+i))+".bin", io.LimitReader(zeros{}, 3<<20))
		})
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		if err != nil && strings.Contains(err.Error(), "552") {
			refused++
		} else if err != nil {
			t.Errorf("upload: %v", err)
		}
	}
	if refused == 0 {
		t.Error("6 MiB went up against a 4 MiB quota without a 552")
	}
	home := filepath.Join(a.env["UAPID_DATA_DIR"], "home", "demo", "both")
	if _, err := os.Stat(home); err != nil {
		t.Fatal(err)
	}
	stored, err := vfs.DiskUsage(home)
	if err != nil {
		t.Fatal(err)
	}
	// Reservations are taken in the database within the quota, so not
	// even one chunk per node gets past it; one whole upload fits.
	if stored > quotaMB<<20 || stored < 3<<20 {
		t.Errorf("%d bytes stored, want 3 to %d MiB", stored, quotaMB)
	}
	r := getResult(t, a.http, a.url+"/execute/Ftp/list_ftp_with_disk?regex=^both@", basic)
	if want := fmt.Sprintf(`"diskused":"%.2f"`, float64(stored)/(1<<20)); !strings.Contains(string(r.Data), want) {
		t.Errorf("list_ftp_with_disk on node A: %s; want %s, what is stored", r.Data, want)
	}
}
