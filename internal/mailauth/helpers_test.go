package mailauth_test

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/mailauth"
	"github.com/uapid/uapid/internal/password"
	"github.com/uapid/uapid/internal/store"
)

// Interface guard: the daemon hands the store to the publisher.
var _ mailauth.Store = (*store.DB)(nil)

// env is one test's world: a real SQLite store, two tenants with real
// homes (alice owns alice.example and alice.org, bob owns bob.example) and
// a publisher writing to a temporary directory.
type env struct {
	db       *store.DB
	accounts *account.Service
	pub      *mailauth.Publisher
	dir      string
	alice    *hosting.Account
	bob      *hosting.Account
}

// testUID is a uid Dovecot accepts for the mailboxes: ours, or nobody's
// when the tests run as root.
func testUID() int {
	if uid := os.Getuid(); uid != 0 {
		return uid
	}
	return 65534
}

func mustEnv(tb testing.TB) *env {
	tb.Helper()
	e := &env{db: fixture.Store(tb), dir: filepath.Join(tb.TempDir(), "passwd.d")}
	e.accounts = fixture.Accounts(tb, e.db)
	e.alice = fixture.AccountWithDomains(tb, e.accounts, "alice", "alice-password", "alice.example", "alice.org")
	e.bob = fixture.Account(tb, e.accounts, "bob", "bob.example", "bob-password")
	pub, err := mailauth.New(mailauth.Config{Dir: e.dir, UID: testUID(), GID: testUID()}, e.db, fixture.Logger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	e.pub = pub
	return e
}

// mustMailbox stores user@domain with a hash of pass and publishes its
// domain.
func (e *env) mustMailbox(tb testing.TB, acct *hosting.Account, user, domain, pass string, quotaMB int64) *hosting.EmailAccount {
	tb.Helper()
	hash, err := password.Hash(pass)
	if err != nil {
		tb.Fatal(err)
	}
	return e.mustMailboxHash(tb, acct, user, domain, hash, quotaMB)
}

func (e *env) mustMailboxHash(tb testing.TB, acct *hosting.Account, user, domain, hash string, quotaMB int64) *hosting.EmailAccount {
	tb.Helper()
	m := &hosting.EmailAccount{AccountID: acct.ID, User: user, Domain: domain, PasswordHash: hash, QuotaMB: quotaMB}
	if err := e.db.CreateEmailAccount(context.Background(), m); err != nil {
		tb.Fatal(err)
	}
	e.mustPublish(tb, domain)
	return m
}

func (e *env) mustPublish(tb testing.TB, domain string) {
	tb.Helper()
	if err := e.pub.PublishDomain(context.Background(), domain); err != nil {
		tb.Fatalf("PublishDomain(%s): %v", domain, err)
	}
}

// line is one parsed passwd-file entry.
type line struct {
	scheme, hash string
	uid, gid     int
	home         string
	extra        map[string]string
}

// parseFile reads a passwd-file the way Dovecot splits it: seven
// colon-separated fields, then space-separated key=value extra fields.
// A missing file parses as no entries.
func parseFile(tb testing.TB, path string) map[string]line {
	tb.Helper()
	out := map[string]line{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return out
	} else if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if sc.Text() == "" || strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		fields := strings.SplitN(sc.Text(), ":", 8)
		if len(fields) != 8 {
			tb.Fatalf("%s: malformed line %q", path, sc.Text())
		}
		l := line{home: fields[5], extra: map[string]string{}}
		l.scheme, l.hash, _ = strings.Cut(strings.TrimPrefix(fields[1], "{"), "}")
		l.uid, _ = strconv.Atoi(fields[2])
		l.gid, _ = strconv.Atoi(fields[3])
		for _, kv := range strings.Fields(fields[7]) {
			k, v, _ := strings.Cut(kv, "=")
			l.extra[k] = v
		}
		out[fields[0]] = l
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// dirNames lists the publishing directory.
func dirNames(tb testing.TB, dir string) []string {
	tb.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, d := range des {
		names = append(names, d.Name())
	}
	return names
}
