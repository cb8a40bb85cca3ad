package email_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/mailauth"
	"github.com/uapid/uapid/internal/module/email"
	"github.com/uapid/uapid/internal/store"
	"github.com/uapid/uapid/internal/uapi"
)

// Interface guard: the daemon wires the Dovecot publisher into the service.
var _ email.Publisher = (*mailauth.Publisher)(nil)

// env is one test's world: a real SQLite store, two tenants with real
// homes, a real publisher writing passwd-files to a temporary directory,
// and the module registered in a real engine.
type env struct {
	db       *store.DB
	accounts *account.Service
	pub      *mailauth.Publisher
	mailDir  string // the publisher's directory
	svc      *email.Service
	eng      *uapi.Engine
	a, b     *hosting.Account // "cpuser" (example.com, example.net) and "other" (other.org)
}

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	return mustEnvWith(tb, email.Config{}, nil)
}

// mustEnvWith builds an env; wrap, when set, wraps the publisher the
// service sees.
func mustEnvWith(tb testing.TB, cfg email.Config, wrap func(email.Publisher) email.Publisher) *env {
	tb.Helper()
	e := &env{db: fixture.Store(tb), mailDir: filepath.Join(tb.TempDir(), "passwd.d")}
	e.accounts = fixture.Accounts(tb, e.db)
	e.a, e.b = fixture.Tenants(tb, e.accounts)
	pub, err := mailauth.New(mailauth.Config{Dir: e.mailDir, UID: mailUID(), GID: mailUID()},
		e.db, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	e.pub = pub
	var p email.Publisher = pub
	if wrap != nil {
		p = wrap(p)
	}
	if e.svc, err = email.New(cfg, e.db, p, fixture.Logger(tb)); err != nil {
		tb.Fatal(err)
	}
	reg := uapi.NewRegistry()
	reg.Add(e.svc.Funcs()...)
	e.eng = uapi.NewEngine(reg, fixture.Logger(tb), nil)
	return e
}

// mailUID is the mail user of the tests: ourselves, or nobody when the
// tests run as root (Dovecot refuses uid 0), which also exercises the
// hand-over of new maildirs to the mail user.
func mailUID() int {
	if uid := os.Getuid(); uid != 0 {
		return uid
	}
	return 65534
}

// call runs Email::fn for acct with "key=value" arguments (URI-encoded,
// as on the uapi command line).
func (e *env) call(acct *hosting.Account, fn string, kv ...string) *uapi.Result {
	args, err := uapi.ArgsFromCLI(kv)
	if err != nil {
		panic(err)
	}
	return e.eng.Execute(context.Background(), uapi.Request{Account: acct, Module: "Email", Function: fn, Args: args, Transport: "test"})
}

// mustOK fails unless r succeeded.
func mustOK(tb testing.TB, r *uapi.Result) *uapi.Result {
	tb.Helper()
	if r.Status != 1 || r.Errors != nil {
		tb.Fatalf("status %d, errors %q", r.Status, r.Errors)
	}
	return r
}

// wantError fails unless r failed with one error containing want.
func wantError(tb testing.TB, r *uapi.Result, want string) {
	tb.Helper()
	if r.Status != 0 || len(r.Errors) != 1 || !strings.Contains(r.Errors[0], want) {
		tb.Fatalf("status %d, errors %q; want one error containing %q", r.Status, r.Errors, want)
	}
}

func dataJSON(tb testing.TB, r *uapi.Result) string {
	tb.Helper()
	b, err := json.Marshal(r.Data)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// maildir returns the absolute maildir of user@domain in acct's home.
func maildir(acct *hosting.Account, user, domain string) string {
	return filepath.Join(acct.HomeDir, "mail", domain, user)
}

// exists reports whether path exists (without following a last symlink).
func exists(tb testing.TB, path string) bool {
	tb.Helper()
	_, err := os.Lstat(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		tb.Fatal(err)
	}
	return err == nil
}

// published returns the passwd-file lines of domain keyed by address: the
// password field and the rest, as the mail server sees them.
func (e *env) published(tb testing.TB, domain string) map[string]string {
	tb.Helper()
	b, err := os.ReadFile(e.pub.Path(domain))
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}
	} else if err != nil {
		tb.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		addr, rest, _ := strings.Cut(l, ":")
		out[addr] = rest
	}
	return out
}

// publishedHash returns the crypt(3) hash the mail server has for address.
func (e *env) publishedHash(tb testing.TB, address string) string {
	tb.Helper()
	_, domain, _ := strings.Cut(address, "@")
	rest, ok := e.published(tb, domain)[address]
	if !ok {
		return ""
	}
	field, _, _ := strings.Cut(rest, ":")
	_, hash, _ := strings.Cut(field, "}")
	return hash
}

// mustAdd creates user@domain for acct through add_pop.
func (e *env) mustAdd(tb testing.TB, acct *hosting.Account, address, pass string, extra ...string) {
	tb.Helper()
	mustOK(tb, e.call(acct, "add_pop", append([]string{"email=" + address, "password=" + pass}, extra...)...))
}

// failingPublisher fails every publish, as a full disk would.
type failingPublisher struct{ email.Publisher }

func (failingPublisher) PublishDomain(context.Context, string) error {
	return errors.New("disk full")
}
