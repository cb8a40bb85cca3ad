package account_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/intent"
	"github.com/uapid/uapid/internal/store"
)

// dyingStore is the store of a process that dies at one step: CreateAccount
// freezes before committing, DeleteAccountIntent right after. Once released
// the call fails, so the frozen change ends without undoing the repair.
type dyingStore struct {
	*store.DB
	frozen, release chan struct{}
}

func (d *dyingStore) freeze() error {
	close(d.frozen)
	<-d.release
	return errors.New("the process is gone")
}

func (d *dyingStore) CreateAccount(context.Context, *hosting.Account) error { return d.freeze() }

func (d *dyingStore) DeleteAccountIntent(ctx context.Context, id int64, in *hosting.Intent) error {
	if err := d.DB.DeleteAccountIntent(ctx, id, in); err != nil {
		return err
	}
	return d.freeze()
}

// crash runs f on a service over a dying store, with a journal of its own,
// and returns once the store froze.
func crash(t *testing.T, db *store.DB, home string, f func(*account.Service) error) {
	t.Helper()
	d := &dyingStore{DB: db, frozen: make(chan struct{}), release: make(chan struct{})}
	svc := account.New(d, db, home, fixture.Logger(t))
	svc.UseJournal(mustJournal(t, db, "dead-process"))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = f(svc) }()
	<-d.frozen
	t.Cleanup(func() { close(d.release); wg.Wait() })
}

func mustJournal(t *testing.T, db *store.DB, owner string) *intent.Journal {
	t.Helper()
	j, err := intent.New(intent.Config{Owner: owner}, db, fixture.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// restart is the next process: it repairs what the dead one left.
func restart(t *testing.T, db *store.DB, home string) *account.Service {
	t.Helper()
	svc := account.New(db, db, home, fixture.Logger(t))
	svc.UseOperatorStore(db, nil)
	j := mustJournal(t, db, "restarted")
	svc.UseJournal(j)
	if left, err := j.Recover(context.Background()); left != 0 || err != nil {
		t.Fatalf("Recover: %d left, %v", left, err)
	}
	return svc
}

func TestCrashDuringCreateRemovesHome(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	root := filepath.Join(t.TempDir(), "home")
	crash(t, db, root, func(s *account.Service) error {
		_, err := s.Create(context.Background(), account.CreateRequest{Name: "dave", Password: "dave-password", Domain: "dave.example"})
		return err
	})
	home := filepath.Join(root, "dave")
	if _, err := os.Stat(filepath.Join(home, "public_html")); err != nil {
		t.Fatalf("before the repair the home is made: %v", err)
	}
	svc := restart(t, db, root)
	if _, err := os.Stat(home); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the home of an account never committed survived: %v", err)
	}
	if _, err := svc.Create(context.Background(), account.CreateRequest{Name: "dave", Password: "dave-password", Domain: "dave.example"}); err != nil {
		t.Errorf("the name is not free again: %v", err)
	}
}

func TestCrashDuringDeleteRemovesHome(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	root := filepath.Join(t.TempDir(), "home")
	a, err := account.New(db, db, root, fixture.Logger(t)).Create(context.Background(),
		account.CreateRequest{Name: "erin", Password: "erin-password", Domain: "erin.example"})
	if err != nil {
		t.Fatal(err)
	}
	crash(t, db, root, func(s *account.Service) error { return s.Delete(context.Background(), "erin") })
	if _, err := os.Stat(a.HomeDir); err != nil {
		t.Fatalf("before the repair the home is there: %v", err)
	}
	restart(t, db, root)
	if _, err := os.Stat(a.HomeDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the home of a deleted account survived: %v", err)
	}
}

// profileStore freezes SaveProfile: the process dies between the account's
// commit and its profile.
type profileStore struct {
	*store.DB
	frozen, release chan struct{}
}

func (p *profileStore) SaveProfile(context.Context, *hosting.AccountProfile) error {
	close(p.frozen)
	<-p.release
	return errors.New("the process is gone")
}

func TestCrashDuringProvisionRemovesTheAccount(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	root := filepath.Join(t.TempDir(), "home")
	ps := &profileStore{DB: db, frozen: make(chan struct{}), release: make(chan struct{})}
	dead := account.New(db, db, root, fixture.Logger(t))
	dead.UseOperatorStore(ps, nil)
	dead.UseJournal(mustJournal(t, db, "dead-process"))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = dead.Provision(context.Background(), account.ProvisionRequest{ContactEmail: "a@b.example",
			CreateRequest: account.CreateRequest{Name: "gina", Password: "gina-password", Domain: "gina.example"}})
	}()
	<-ps.frozen
	t.Cleanup(func() { close(ps.release); wg.Wait() })
	if _, err := db.FindAccountByName(context.Background(), "gina"); err != nil {
		t.Fatalf("before the repair the account is committed: %v", err)
	}
	restart(t, db, root)
	if _, err := db.FindAccountByName(context.Background(), "gina"); hosting.ErrorCode(err) != hosting.ENOTFOUND {
		t.Errorf("an account without its profile survived: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "gina")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("its home survived: %v", err)
	}
}

// TestFailedProvisionOfATakenNameKeepsTheAccount: a create that fails
// because the name is taken (its home was missing, so the home check
// passed) leaves no intent whose repair would delete the account that
// holds the name.
func TestFailedProvisionOfATakenNameKeepsTheAccount(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	root := filepath.Join(t.TempDir(), "home")
	svc := account.New(db, db, root, fixture.Logger(t))
	svc.UseOperatorStore(db, nil)
	svc.UseJournal(mustJournal(t, db, "first"))
	// An account without a profile (made by Create, or before profiles).
	a, err := svc.Create(context.Background(), account.CreateRequest{Name: "hal", Password: "hal-password", Domain: "hal.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(a.HomeDir); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Provision(context.Background(), account.ProvisionRequest{ContactEmail: "a@b.example",
		CreateRequest: account.CreateRequest{Name: "hal", Password: "hal-password", Domain: "other.example"}})
	if err == nil {
		t.Fatal("a taken name provisioned")
	}
	restart(t, db, root)
	if _, err := db.FindAccountByName(context.Background(), "hal"); err != nil {
		t.Errorf("the repair of the failed create deleted the account that held the name: %v", err)
	}
}

// TestRepairKeepsAnOlderAccountOfTheName: the intent of a provision that
// died before committing names an account that existed before it (the name
// was taken); the repair must neither delete it nor remove its home.
func TestRepairKeepsAnOlderAccountOfTheName(t *testing.T) {
	t.Parallel()
	db := fixture.Store(t)
	root := filepath.Join(t.TempDir(), "home")
	svc := account.New(db, db, root, fixture.Logger(t))
	svc.UseOperatorStore(db, nil)
	a, err := svc.Create(context.Background(), account.CreateRequest{Name: "ivy", Password: "ivy-password", Domain: "ivy.example"})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"name":"ivy","home":"` + a.HomeDir + `","profile":true}`)
	in := &hosting.Intent{ID: "dead", Kind: "account.create", Owner: "dead-process", Data: data,
		CreatedAt: a.CreatedAt.Add(time.Hour)}
	if err := db.CreateIntent(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	restart(t, db, root)
	if _, err := db.FindAccountByName(context.Background(), "ivy"); err != nil {
		t.Errorf("the repair deleted the older account: %v", err)
	}
	if _, err := os.Stat(a.HomeDir); err != nil {
		t.Errorf("the repair removed the older account's home: %v", err)
	}
}
