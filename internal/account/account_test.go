package account_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/password"
)

type closer struct{ killed []int64 }

func (c *closer) KillAccount(_ context.Context, id int64) (int, error) {
	c.killed = append(c.killed, id)
	return 1, nil
}

func TestCreateMakesHomeAndHashesPassword(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	svc := fixture.Accounts(t, db)
	a, err := svc.Create(context.Background(), account.CreateRequest{Name: "dave", Password: "dave-password", Domain: "Dave.Example."})
	if err != nil {
		t.Fatal(err)
	}
	if a.Domain != "dave.example" || len(a.Features) != len(hosting.AllFeatures()) {
		t.Errorf("account = %+v", a)
	}
	if !strings.HasPrefix(a.PasswordHash, "$6$") || !password.Verify(a.PasswordHash, "dave-password") {
		t.Errorf("password hash %q", a.PasswordHash)
	}
	for dir, mode := range map[string]os.FileMode{"public_html": 0o750, "public_ftp": 0o750, "public_ftp/incoming": 0o700, "etc": 0o750} {
		st, err := os.Stat(filepath.Join(a.HomeDir, dir))
		if err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: %v mode %v, want %v", dir, err, st.Mode().Perm(), mode)
		}
	}
}

func TestCreateRefusesBadInputAndLeavesNothing(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	svc := fixture.Accounts(t, db)
	first := fixture.Account(t, svc, "erin", "erin.example", "erin-password")
	tests := []struct {
		name string
		req  account.CreateRequest
		code string
	}{
		{"bad name", account.CreateRequest{Name: "Erin!", Password: "long-enough", Domain: "x.example"}, hosting.EINVALID},
		{"reserved", account.CreateRequest{Name: "root", Password: "long-enough", Domain: "x.example"}, hosting.EINVALID},
		{"bad domain", account.CreateRequest{Name: "frank", Password: "long-enough", Domain: "nodot"}, hosting.EINVALID},
		{"short password", account.CreateRequest{Name: "frank", Password: "short", Domain: "x.example"}, hosting.EINVALID},
		{"unknown feature", account.CreateRequest{Name: "frank", Password: "long-enough", Domain: "x.example", Features: []string{"nope"}}, hosting.EINVALID},
		{"taken domain", account.CreateRequest{Name: "frank", Password: "long-enough", Domain: "erin.example"}, hosting.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Create(context.Background(), tt.req)
			if hosting.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v (code %q), want code %q", err, hosting.ErrorCode(err), tt.code)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(first.HomeDir), "frank")); !os.IsNotExist(err) {
		t.Errorf("a failed create left a home directory: %v", err)
	}
}

func TestSuspendClosesSessionsAndDeleteRemovesHome(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	c := &closer{}
	svc := account.New(db, db, filepath.Join(t.TempDir(), "home"), fixture.Logger(t), c)
	changes := 0
	svc.OnChange(func(context.Context) error { changes++; return nil })
	a := fixture.Account(t, svc, "gina", "gina.example", "gina-password")
	ctx := context.Background()
	if err := svc.SetSuspended(ctx, "gina", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Get(ctx, "gina"); !got.Suspended || len(c.killed) != 1 || c.killed[0] != a.ID {
		t.Fatalf("suspended=%v killed=%v", got.Suspended, c.killed)
	}
	if err := svc.SetSuspended(ctx, "gina", false); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(ctx, "gina"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a.HomeDir); !os.IsNotExist(err) {
		t.Errorf("home survives deletion: %v", err)
	}
	if _, err := svc.Get(ctx, "gina"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("account survives deletion: %v", err)
	}
	if changes != 3 {
		t.Errorf("OnChange ran %d times for suspend, unsuspend and delete, want 3", changes)
	}
}

// A password change and a domain removal close the account's live sessions:
// whoever knew the old password, or used a login on the removed domain,
// must not keep a session.
func TestPasswordAndDomainChangesCloseSessions(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	c := &closer{}
	svc := account.New(db, db, filepath.Join(t.TempDir(), "home"), fixture.Logger(t), c)
	a := fixture.Account(t, svc, "ivan", "ivan.example", "ivan-password")
	ctx := context.Background()
	if err := svc.SetPassword(ctx, "ivan", "ivan-password-2"); err != nil {
		t.Fatal(err)
	}
	if err := svc.AddDomain(ctx, "ivan", "extra.example"); err != nil {
		t.Fatal(err)
	}
	if err := svc.RemoveDomain(ctx, "ivan", "extra.example"); err != nil {
		t.Fatal(err)
	}
	if len(c.killed) != 2 || c.killed[0] != a.ID || c.killed[1] != a.ID {
		t.Errorf("sessions closed for %v, want the account twice", c.killed)
	}
}

func TestPasswordsAndDomains(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	svc := fixture.Accounts(t, db)
	a := fixture.Account(t, svc, "hank", "hank.example", "hank-password")
	ctx := context.Background()
	if err := svc.ChangePassword(ctx, a, "wrong", "new-password"); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Errorf("change with a wrong old password: %v", err)
	}
	if err := svc.ChangePassword(ctx, a, "hank-password", "new-password"); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Get(ctx, "hank"); !password.Verify(got.PasswordHash, "new-password") {
		t.Error("new password does not verify")
	}
	if err := svc.AddDomain(ctx, "hank", "Second.Example"); err != nil {
		t.Fatal(err)
	}
	if got, _ := svc.Get(ctx, "hank"); !got.OwnsDomain("second.example") {
		t.Errorf("domains = %v", got.Domains)
	}
	if err := svc.RemoveDomain(ctx, "hank", "hank.example"); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Errorf("removing the primary domain: %v", err)
	}
	if err := svc.RemoveDomain(ctx, "hank", "second.example"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetQuota(ctx, "hank", -1); hosting.ErrorCode(err) != hosting.EINVALID {
		t.Errorf("negative quota: %v", err)
	}
}

func TestChangePasswordIsLimited(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	svc := fixture.Accounts(t, db)
	svc.UseLimiter(limiter.New(limiter.Config{PerAccount: limiter.Rule{MaxFailures: 3, Window: time.Hour, Block: time.Hour}}, nil))
	a := fixture.Account(t, svc, "judy", "judy.example", "judy-password")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := svc.ChangePassword(ctx, a, "guess", "new-password"); hosting.ErrorCode(err) != hosting.EINVALID {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	if err := svc.ChangePassword(ctx, a, "judy-password", "new-password"); hosting.ErrorCode(err) != hosting.EFORBIDDEN {
		t.Errorf("after 3 wrong guesses the right password was tried: %v", err)
	}
}
