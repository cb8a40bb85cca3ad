package svcacct_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/uapid/uapid/internal/svcacct"
)

// TestRepair leaves what a process that died mid-change leaves (the
// intent, a directory) and checks what the next start-up's repair does.
func TestRepair(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *env)
		kind  string // "newdir" or "destroy"
		data  any
		gone  bool // the account was deleted meanwhile
		// upload puts a file in a new directory, as a login that reaches
		// it may have done since it was made (the change makes none).
		upload       bool
		repaired     error
		wantLeft     int
		wantGone     bool
		wantRepaired []string // the domains Repaired was called with
	}{
		{name: "new directory no login uses: removed", kind: "newdir", data: svcacct.NewDirData{Dir: "new"},
			wantGone: true, wantRepaired: []string{""}},
		{name: "new directory with its domain: published", kind: "newdir",
			data:     svcacct.NewDirData{Dir: "new", Domain: "example.com"},
			wantGone: true, wantRepaired: []string{"example.com"}},
		{name: "new directory the login uses (committed): kept", kind: "newdir",
			data:         svcacct.NewDirData{Dir: "new", Domain: "example.com"},
			setup:        func(e *env) { e.own.uses = []svcacct.Use{{"bob@example.com", "new/bob"}} },
			wantRepaired: []string{"example.com"}},
		{name: "new directory another service's account uses: kept", kind: "newdir",
			data:         svcacct.NewDirData{Dir: "new"},
			setup:        func(e *env) { e.other.uses = []svcacct.Use{{"web@example.com", "new/dav"}} },
			wantRepaired: []string{""}},
		{name: "new directory holding a file put there since: kept", kind: "newdir",
			data: svcacct.NewDirData{Dir: "new"}, upload: true, wantRepaired: []string{""}},
		{name: "new directory: other listing failed: retried", kind: "newdir", data: svcacct.NewDirData{Dir: "new"},
			setup: func(e *env) { e.other.err = errList }, wantLeft: 1},
		{name: "new directory: own listing failed: retried", kind: "newdir", data: svcacct.NewDirData{Dir: "new"},
			setup: func(e *env) { e.own.err = errList }, wantLeft: 1},
		{name: "new directory: publishing failed: retried", kind: "newdir",
			data: svcacct.NewDirData{Dir: "new", Domain: "example.com"}, repaired: errors.New("publish failed"),
			wantLeft: 1, wantGone: true, wantRepaired: []string{"example.com"}},
		{name: "new directory of an account gone: nothing to do", kind: "newdir",
			data: svcacct.NewDirData{Dir: "new"}, gone: true},
		{name: "new directory out of the home: refused, retried", kind: "newdir",
			data: svcacct.NewDirData{Dir: "../victim"}, wantLeft: 1},
		{name: "destroy unshared: completed", kind: "destroy",
			data: svcacct.DestroyData{Login: "bob@example.com", HomeDir: "new"}, wantGone: true},
		{name: "destroy of a directory another service uses: kept", kind: "destroy",
			data:  svcacct.DestroyData{Login: "bob@example.com", HomeDir: "new"},
			setup: func(e *env) { e.other.uses = []svcacct.Use{{"web@example.com", "new"}} }},
		{name: "destroy of a layout directory: kept", kind: "destroy",
			data: svcacct.DestroyData{Login: "bob@example.com", HomeDir: "public_html"}},
		{name: "destroy of an account gone: nothing to do", kind: "destroy",
			data: svcacct.DestroyData{Login: "bob@example.com", HomeDir: "new"}, gone: true},
		{name: "destroy out of the home: refused, retried", kind: "destroy",
			data: svcacct.DestroyData{Login: "bob@example.com", HomeDir: "../victim"}, wantLeft: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			rel := dirOf(tt.data)
			if tt.kind == "newdir" && !tt.upload {
				e.mkdirEmpty(t, rel+"/sub") // what a change makes: directories
			} else {
				e.mkdir(t, rel)
			}
			if tt.setup != nil {
				tt.setup(e)
			}
			var mu sync.Mutex
			var published []string
			d := e.dirs(svcacct.Config{Repaired: func(_ context.Context, domain string) error {
				mu.Lock()
				defer mu.Unlock()
				published = append(published, domain)
				return tt.repaired
			}})
			e.deadIntent(t, "test."+tt.kind, tt.gone, tt.data)
			j := e.journal(t, "restarted")
			d.UseJournal(j, e.db)
			left, err := j.Recover(context.Background())
			if err != nil || left != tt.wantLeft {
				t.Fatalf("Recover: %d left, %v; want %d left", left, err, tt.wantLeft)
			}
			if e.exists(rel) == tt.wantGone {
				t.Errorf("%s exists = %v, want %v", rel, !tt.wantGone, !tt.wantGone)
			}
			// A removal frees disk space: the account's usage is recounted.
			if rescanned := e.rescans.count() > 0; tt.wantGone && !rescanned {
				t.Errorf("%s removed without a usage recount", rel)
			}
			mu.Lock()
			defer mu.Unlock()
			// A failing repair is retried: count each domain once.
			if got := slices.Compact(published); !slices.Equal(got, tt.wantRepaired) {
				t.Errorf("Repaired with %q, want %q", got, tt.wantRepaired)
			}
			e.checkOutside(t)
		})
	}
}

func dirOf(data any) string {
	switch d := data.(type) {
	case svcacct.NewDirData:
		return d.Dir
	case svcacct.DestroyData:
		return d.HomeDir
	}
	panic("unknown intent data")
}
