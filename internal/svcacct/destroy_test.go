package svcacct_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/svcacct"
)

func TestDestroy(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(tb testing.TB, e *env)
		rel         string
		destroy     bool
		wantRemoves bool
		wantGone    bool   // rel is gone afterwards
		wantWarning string // substring; "" for none
		wantLeft    int    // intents left for the repair
	}{
		{name: "unshared removed", rel: "site/old", destroy: true, wantRemoves: true, wantGone: true},
		{name: "without destroy kept", rel: "site/old", destroy: false},
		{name: "home kept", rel: "", destroy: true},
		{name: "layout directory kept", rel: "public_html", destroy: true},
		{name: "own login below keeps it", rel: "site/old", destroy: true, wantRemoves: true,
			setup:       func(_ testing.TB, e *env) { e.own.uses = []svcacct.Use{{"ann@example.com", "site/old/ann"}} },
			wantWarning: "because the FTP account “ann@example.com” uses it."},
		{name: "own login on it keeps it", rel: "site/old", destroy: true, wantRemoves: true,
			setup:       func(_ testing.TB, e *env) { e.own.uses = []svcacct.Use{{"ann@example.com", "site/old"}} },
			wantWarning: "because the FTP account “ann@example.com” uses it."},
		{name: "other service's login keeps it", rel: "site/old", destroy: true, wantRemoves: true,
			setup:       func(_ testing.TB, e *env) { e.other.uses = []svcacct.Use{{"web@example.com", "site/old/x"}} },
			wantWarning: "because the Web Disk account “web@example.com” uses it."},
		{name: "login in a sibling with the same prefix does not keep it", rel: "site/old", destroy: true,
			wantRemoves: true, wantGone: true,
			setup: func(_ testing.TB, e *env) { e.own.uses = []svcacct.Use{{"ann@example.com", "site/old2"}} }},
		{name: "login in the parent does not keep it", rel: "site/old", destroy: true,
			wantRemoves: true, wantGone: true,
			setup: func(_ testing.TB, e *env) { e.other.uses = []svcacct.Use{{"web@example.com", "site"}} }},
		{name: "own listing failed keeps it", rel: "site/old", destroy: true, wantRemoves: true,
			setup:    func(_ testing.TB, e *env) { e.own.err = errList },
			wantLeft: 1, wantWarning: "could not check whether other FTP accounts use it."},
		{name: "other listing failed keeps it", rel: "site/old", destroy: true, wantRemoves: true,
			setup:    func(_ testing.TB, e *env) { e.other.err = errList },
			wantLeft: 1, wantWarning: "could not check whether Web Disk accounts use it."},
		{name: "path out of the home refused", rel: "../victim", destroy: true, wantRemoves: true,
			wantLeft: 1, wantWarning: "could not remove the directory"},
		{name: "absolute path refused", rel: "/tmp", destroy: true, wantRemoves: true,
			wantLeft: 1, wantWarning: "could not remove the directory"},
		{name: "symlink out of the home: the link goes, not its target", rel: "out", destroy: true,
			wantRemoves: true, wantGone: true, setup: func(tb testing.TB, e *env) { e.symlinkOut(tb, "out") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := mustEnv(t)
			if tt.rel != "out" && !strings.HasPrefix(tt.rel, "/") {
				e.mkdir(t, tt.rel) // "../victim" is a sibling of the home
			}
			if tt.setup != nil {
				tt.setup(t, e)
			}
			d := e.dirs(svcacct.Config{})
			d.UseJournal(e.journal(t, "node"), e.db)
			x, err := d.BeginDestroy(e.acct, "bob@example.com", tt.rel, tt.destroy)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Release()
			if x.Removes() != tt.wantRemoves {
				t.Errorf("Removes() = %v, want %v", x.Removes(), tt.wantRemoves)
			}
			if got := x.Intent() != nil; got != tt.wantRemoves {
				t.Errorf("Intent() set = %v, want %v", got, tt.wantRemoves)
			}
			// The caller stores the intent with the deletion of the row.
			if in := x.Intent(); in != nil {
				if err := e.db.CreateIntent(context.Background(), in); err != nil {
					t.Fatal(err)
				}
			}
			warnings := x.Finish(context.Background())
			if got := strings.Join(warnings, " "); tt.wantWarning == "" && got != "" ||
				!strings.Contains(got, tt.wantWarning) {
				t.Errorf("warnings %q, want %q", warnings, tt.wantWarning)
			}
			if tt.rel != "" && !strings.HasPrefix(tt.rel, "/") && e.exists(tt.rel) == tt.wantGone {
				t.Errorf("%q exists = %v, want %v", tt.rel, !tt.wantGone, !tt.wantGone)
			}
			if tt.rel == "" && !e.exists("public_html") {
				t.Error("destroying the home removed its layout")
			}
			if n := e.intents(t); n != tt.wantLeft {
				t.Errorf("%d intents left, want %d", n, tt.wantLeft)
			}
			e.checkOutside(t)
		})
	}
}
