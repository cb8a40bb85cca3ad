package account_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/vfs"
)

func newOperator(t *testing.T) (*account.Service, *store.DB, *closer) {
	t.Helper()
	db := fixture.Store(t)
	c := &closer{}
	svc := account.New(db, db, t.TempDir(), fixture.Logger(t), c)
	svc.UseOperatorStore(db, fixture.Usage(t, db))
	return svc, db, c
}

func TestProvision(t *testing.T) {
	t.Parallel()
	svc, _, _ := newOperator(t)
	ctx := context.Background()
	if _, err := svc.CreatePackage(ctx, hosting.Package{Name: "ftp only", QuotaMB: 100, Features: []string{hosting.FeatureFTPAccounts}}); err != nil {
		t.Fatal(err)
	}
	base := account.CreateRequest{Password: "secret-password", QuotaMB: 5}
	tests := []struct {
		name, user, plan, email string
		wantCode                string
		wantQuota               int64
		wantFeatures            []string
	}{
		{"stored plan", "ann", "ftp only", "ann@example.org", "", 100, []string{hosting.FeatureFTPAccounts}},
		{"built-in default plan", "ben", account.DefaultPlan, "", "", 0, hosting.AllFeatures()},
		{"no plan keeps the request", "cat", "", "", "", 5, hosting.AllFeatures()},
		{"unknown plan", "dan", "gold", "", hosting.ENOTFOUND, 0, nil},
		{"bad contact email", "eve", "", "not an address", hosting.EINVALID, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := account.ProvisionRequest{CreateRequest: base, ContactEmail: tt.email, Plan: tt.plan}
			req.Name, req.Domain = tt.user, tt.user+".example"
			d, err := svc.Provision(ctx, req)
			if got := hosting.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("Provision: code %q (%v), want %q", got, err, tt.wantCode)
			}
			if err != nil {
				if _, err := svc.Get(ctx, tt.user); hosting.ErrorCode(err) != hosting.ENOTFOUND {
					t.Fatalf("failed provision left an account: %v", err)
				}
				return
			}
			got, err := svc.Details(ctx, tt.user)
			if err != nil || got.QuotaMB != tt.wantQuota || !slices.Equal(got.Features, tt.wantFeatures) ||
				got.Profile.Plan != tt.plan || got.Profile.ContactEmail != tt.email || d.ID != got.ID {
				t.Fatalf("Details = %+v %+v, %v", got.Account, got.Profile, err)
			}
		})
	}
}

func TestSuspendRecordsReason(t *testing.T) {
	t.Parallel()
	svc, _, c := newOperator(t)
	ctx := context.Background()
	a := fixture.Account(t, svc, "fay", "fay.example", "fay-password")
	if err := svc.Suspend(ctx, "fay", "Nonpayment"); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Details(ctx, "fay")
	if err != nil || !d.Suspended || d.Profile.SuspendReason != "Nonpayment" || d.Profile.SuspendedAt == nil {
		t.Fatalf("after Suspend: %+v %+v, %v", d.Account, d.Profile, err)
	}
	if !slices.Contains(c.killed, a.ID) {
		t.Fatal("Suspend did not close the live sessions")
	}
	if err := svc.Unsuspend(ctx, "fay"); err != nil {
		t.Fatal(err)
	}
	if d, err := svc.Details(ctx, "fay"); err != nil || d.Suspended || d.Profile.SuspendReason != "" || d.Profile.SuspendedAt != nil {
		t.Fatalf("after Unsuspend: %+v %+v, %v", d.Account, d.Profile, err)
	}
	if err := svc.Suspend(ctx, "nobody", "x"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Fatalf("suspend a missing account: %v", err)
	}
}

func TestChangePackage(t *testing.T) {
	t.Parallel()
	svc, _, _ := newOperator(t)
	ctx := context.Background()
	fixture.Account(t, svc, "gus", "gus.example", "gus-password")
	if _, err := svc.CreatePackage(ctx, hosting.Package{Name: "mail", QuotaMB: 50, Features: []string{hosting.FeatureEmail}}); err != nil {
		t.Fatal(err)
	}
	if err := svc.ChangePackage(ctx, "gus", "mail"); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Details(ctx, "gus")
	if err != nil || d.QuotaMB != 50 || !slices.Equal(d.Features, []string{hosting.FeatureEmail}) || d.Profile.Plan != "mail" {
		t.Fatalf("after ChangePackage: %+v %+v, %v", d.Account, d.Profile, err)
	}
	if err := svc.DeletePackage(ctx, "mail"); err != nil {
		t.Fatal(err)
	}
	if d, _ := svc.Details(ctx, "gus"); d.QuotaMB != 50 || d.Profile.Plan != "mail" {
		t.Fatalf("deleting the package changed the account: %+v %+v", d.Account, d.Profile)
	}
	for _, bad := range []hosting.Package{{Name: ""}, {Name: "x", QuotaMB: -1}, {Name: "y", Features: []string{"shell"}}} {
		if _, err := svc.CreatePackage(ctx, bad); hosting.ErrorCode(err) != hosting.EINVALID {
			t.Errorf("CreatePackage(%+v): %v, want invalid", bad, err)
		}
	}
}

func TestOperatorTokens(t *testing.T) {
	t.Parallel()
	svc, db, _ := newOperator(t)
	ctx := context.Background()
	secret, tok, err := svc.CreateOperatorToken(ctx, "billing", nil)
	if err != nil || len(secret) != 32 || tok.Hash == secret {
		t.Fatalf("CreateOperatorToken = %q, %+v, %v", secret, tok, err)
	}
	stored, err := db.ListOperatorTokens(ctx)
	if err != nil || len(stored) != 1 || stored[0].Hash == secret {
		t.Fatalf("stored tokens = %+v, %v (the secret must never be stored)", stored, err)
	}
	past := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		name    string
		expires *time.Time
		want    string
	}{{"billing", nil, hosting.ECONFLICT}, {"bad name!", nil, hosting.EINVALID}, {"late", &past, hosting.EINVALID}} {
		if _, _, err := svc.CreateOperatorToken(ctx, tc.name, tc.expires); hosting.ErrorCode(err) != tc.want {
			t.Errorf("CreateOperatorToken(%q): %v, want %s", tc.name, err, tc.want)
		}
	}
	if err := svc.RevokeOperatorToken(ctx, "billing"); err != nil {
		t.Fatal(err)
	}
	if err := svc.RevokeOperatorToken(ctx, "billing"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Fatalf("second revoke: %v", err)
	}
}

// DiskUsed reports the home's kept count: what was written through a
// counted Fs, and not a file put behind the counter's back (nothing walks
// the home to find it).
func TestDiskUsed(t *testing.T) {
	t.Parallel()
	svc, db, _ := newOperator(t)
	k := fixture.Usage(t, db)
	svc.UseOperatorStore(db, k)
	ctx := context.Background()
	a := fixture.Account(t, svc, "hal", "hal.example", "hal-password")
	scanned, err := k.Rescan(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	v, err := vfs.Open(a.HomeDir, vfs.Options{Usage: k.Counter(a, "", nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	f, err := v.Create("public_html/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(a.HomeDir+"/public_html/uncounted.bin", make([]byte, 500), 0o644); err != nil {
		t.Fatal(err)
	}
	want := scanned.Dirs[hosting.UsageHome] + 1000
	if n, err := svc.DiskUsed(ctx, a); n != want || err != nil {
		t.Fatalf("DiskUsed = %d, %v, want %d", n, err, want)
	}
}
