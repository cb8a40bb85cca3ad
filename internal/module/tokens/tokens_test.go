package tokens_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/module/tokens"
	"github.com/uapid/uapid/internal/uapi"
)

type env struct {
	eng    *uapi.Engine
	alice  *hosting.Account
	bob    *hosting.Account
	tokens hosting.TokenStore
	now    time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := fixture.Store(t)
	svc := fixture.Accounts(t, db)
	e := &env{tokens: db, now: time.Unix(1_750_000_000, 0)}
	e.alice = fixture.Account(t, svc, "alice", "alice.example", "alice-password")
	e.bob = fixture.Account(t, svc, "bob", "bob.example", "bob-password")
	reg := uapi.NewRegistry()
	reg.Add(tokens.New(db, func() time.Time { return e.now }).Funcs()...)
	e.eng = uapi.NewEngine(reg, fixture.Logger(t), nil)
	return e
}

func (e *env) call(t *testing.T, acct *hosting.Account, fn string, args ...string) *uapi.Result {
	t.Helper()
	a, err := uapi.ArgsFromCLI(args)
	if err != nil {
		t.Fatal(err)
	}
	return e.eng.Execute(context.Background(), uapi.Request{Account: acct, Module: "Tokens", Function: fn, Args: a})
}

func dataJSON(t *testing.T, r *uapi.Result) string {
	t.Helper()
	b, err := json.Marshal(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCreateFullAccessStoresOnlyTheHash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.call(t, e.alice, "create_full_access", "name=ci")
	if res.Status != 1 {
		t.Fatalf("status 0: %v", res.Errors)
	}
	var got struct {
		CreateTime int64  `json:"create_time"`
		Token      string `json:"token"`
	}
	if err := json.Unmarshal([]byte(dataJSON(t, res)), &got); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Z0-9]{32}$`).MatchString(got.Token) || got.CreateTime != e.now.Unix() {
		t.Fatalf("data = %+v", got)
	}
	stored, err := e.tokens.FindTokenByHash(context.Background(), e.alice.ID, auth.HashSecret(got.Token))
	if err != nil {
		t.Fatalf("token not found by its hash: %v", err)
	}
	if stored.Hash == got.Token || strings.Contains(stored.Hash, got.Token) {
		t.Error("the plaintext token is stored")
	}
}

func TestListShapes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if r := e.call(t, e.alice, "list"); dataJSON(t, r) != "[]" || r.Metadata["transformed"] != 1 {
		t.Fatalf("empty list = %s %v", dataJSON(t, r), r.Metadata)
	}
	e.call(t, e.alice, "create_full_access", "name=b-token")
	e.call(t, e.alice, "create_full_access", "name=a_token", "expires_at=1750003600")
	got := dataJSON(t, e.call(t, e.alice, "list"))
	want := `[{"create_time":1750000000,"expires_at":1750003600,"features":[],"has_full_access":1,"name":"a_token"},` +
		`{"create_time":1750000000,"expires_at":null,"features":[],"has_full_access":1,"name":"b-token"}]`
	if got != want {
		t.Errorf("list data\n got %s\nwant %s", got, want)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.call(t, e.alice, "create_full_access", "name=one")
	e.call(t, e.alice, "create_full_access", "name=two")
	tests := []struct {
		name string
		fn   string
		args []string
		want string
	}{
		{"missing name", "create_full_access", nil, "“name”"},
		{"bad name", "create_full_access", []string{"name=a%20b"}, "The name “a b” is invalid"},
		{"long name", "create_full_access", []string{"name=" + strings.Repeat("x", 51)}, "at most 50"},
		{"duplicate", "create_full_access", []string{"name=one"}, "already exists"},
		{"bad expiry", "create_full_access", []string{"name=x", "expires_at=soon"}, "“expires_at”"},
		{"rename same", "rename", []string{"name=one", "new_name=one"}, "new_name must be a different value from name"},
		{"rename missing", "rename", []string{"name=nope", "new_name=x"}, "The API token “nope” does not exist."},
		{"rename onto existing", "rename", []string{"name=one", "new_name=two"}, "already exists"},
		{"rename bad new", "rename", []string{"name=one", "new_name=a/b"}, "is invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.call(t, e.alice, tt.fn, tt.args...)
			if r.Status != 0 || len(r.Errors) == 0 || !strings.Contains(r.Errors[0], tt.want) {
				t.Errorf("status %d errors %q, want one containing %q", r.Status, r.Errors, tt.want)
			}
		})
	}
}

func TestRenameAndRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.call(t, e.alice, "create_full_access", "name=old")
	if r := e.call(t, e.alice, "rename", "name=old", "new_name=new"); r.Status != 1 || r.Data != nil {
		t.Fatalf("rename: %+v", r)
	}
	if got := dataJSON(t, e.call(t, e.alice, "list")); !strings.Contains(got, `"name":"new"`) || strings.Contains(got, `"old"`) {
		t.Fatalf("after rename: %s", got)
	}
	if r := e.call(t, e.alice, "revoke", "name=new"); r.Status != 1 || dataJSON(t, r) != "1" || r.Messages != nil {
		t.Fatalf("revoke existing: %+v", r)
	}
	// cPanel's documentation: 1 also when the token does not exist.
	r := e.call(t, e.alice, "revoke", "name=new")
	if r.Status != 1 || dataJSON(t, r) != "1" || len(r.Errors) != 0 ||
		len(r.Messages) != 1 || r.Messages[0] != "The API token “new” does not exist; there was nothing to revoke." {
		t.Fatalf("revoke missing: %+v", r)
	}
}

func TestTenantsAreSeparate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.call(t, e.alice, "create_full_access", "name=shared")
	if got := dataJSON(t, e.call(t, e.bob, "list")); got != "[]" {
		t.Errorf("bob sees alice's tokens: %s", got)
	}
	if r := e.call(t, e.bob, "rename", "name=shared", "new_name=mine"); r.Status != 0 {
		t.Error("bob renamed alice's token")
	}
	if r := e.call(t, e.bob, "revoke", "name=shared"); len(r.Messages) != 1 {
		t.Error("bob's revoke found alice's token")
	}
	if got := dataJSON(t, e.call(t, e.alice, "list")); !strings.Contains(got, `"name":"shared"`) {
		t.Errorf("alice's token is gone after bob's revoke: %s", got)
	}
	if r := e.call(t, e.bob, "create_full_access", "name=shared"); r.Status != 1 {
		t.Errorf("token names are not per account: %v", r.Errors)
	}
}

func TestFeatureGate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	limited := *e.alice
	limited.Features = []string{hosting.FeatureFTPAccounts}
	r := e.call(t, &limited, "list")
	if r.Status != 0 || !strings.Contains(r.Errors[0], "apitokens") {
		t.Errorf("an account without apitokens listed tokens: %+v", r)
	}
}

// TestCreateWithTheDocsPastExpiry runs the documentation's own example,
// expires_at=1609372800 (31 December 2020): the token is made and stored
// with that expiry (which auth refuses, see internal/auth), and the answer
// warns about it.
func TestCreateWithTheDocsPastExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.call(t, e.alice, "create_full_access", "name=example", "expires_at=1609372800")
	if r.Status != 1 || len(r.Errors) != 0 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "has already expired") {
		t.Fatalf("create: status %d errors %q warnings %q", r.Status, r.Errors, r.Warnings)
	}
	var got struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(dataJSON(t, r)), &got); err != nil || len(got.Token) != 32 {
		t.Fatalf("data %s: %v", dataJSON(t, r), err)
	}
	if list := dataJSON(t, e.call(t, e.alice, "list")); !strings.Contains(list, `"expires_at":1609372800`) {
		t.Errorf("list: %s", list)
	}
	stored, err := e.tokens.FindTokenByHash(context.Background(), e.alice.ID, auth.HashSecret(got.Token))
	if err != nil || stored.ExpiresAt == nil || stored.ExpiresAt.After(e.now) {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	// A future expiry has no warning.
	if r := e.call(t, e.alice, "create_full_access", "name=later", "expires_at=1750003600"); r.Status != 1 || r.Warnings != nil {
		t.Errorf("future expiry: %+v", r)
	}
}
