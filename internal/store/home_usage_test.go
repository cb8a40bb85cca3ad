package store_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
)

// HomeUsage reads the home counts of the accounts asked for, one or many,
// telling a rescanned count from one only changed since creation.
func TestHomeUsage(t *testing.T) {
	t.Parallel()
	forEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		amy, bob, cal := mustAccount(t, db, "amy", "amy.example"), mustAccount(t, db, "bob", "bob.example"),
			mustAccount(t, db, "cal", "cal.example")
		home := hosting.UsageScope{AccountID: amy.ID, Dirs: []string{hosting.UsageHome}}
		if _, err := db.ChangeUsage(ctx, hosting.UsageChange{Scope: home, Reserve: 100}); err != nil {
			t.Fatal(err)
		}
		scanned := hosting.UsageCounts{Dirs: map[string]int64{hosting.UsageHome: 200, hosting.UsagePublicFTP: 5}, ScannedAt: time.Now()}
		if err := db.SetUsage(ctx, bob.ID, scanned, hosting.UsageFence{}); err != nil {
			t.Fatal(err)
		}
		amyU, bobU := hosting.HomeUsage{Used: 100}, hosting.HomeUsage{Used: 200, Scanned: true}
		tests := []struct {
			name string
			ids  []int64
			want map[int64]hosting.HomeUsage
		}{
			{"many", []int64{amy.ID, bob.ID, cal.ID}, map[int64]hosting.HomeUsage{amy.ID: amyU, bob.ID: bobU}},
			{"one scanned", []int64{bob.ID}, map[int64]hosting.HomeUsage{bob.ID: bobU}},
			{"one unscanned", []int64{amy.ID}, map[int64]hosting.HomeUsage{amy.ID: amyU}},
			{"one without a count", []int64{cal.ID}, map[int64]hosting.HomeUsage{}},
			{"none", nil, map[int64]hosting.HomeUsage{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := db.HomeUsage(ctx, tt.ids)
				if err != nil || !maps.Equal(got, tt.want) {
					t.Fatalf("HomeUsage(%v) = %v, %v; want %v", tt.ids, got, err, tt.want)
				}
			})
		}
	})
}
