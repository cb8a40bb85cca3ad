package whm_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uapid/uapid/internal/account"
	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/usage"
	"github.com/uapid/uapid/internal/whm"
)

type env struct {
	url, token string
	accounts   *account.Service
	usage      *usage.Keeper
	walks      atomic.Int64 // rescans that walked a home
	onWalk     func(accountID int64)
}

// newEnv serves WHM API 1 over a real store and account service, with the
// disk usage kept by a usage.Keeper whose walks are counted.
func newEnv(t testing.TB) *env {
	t.Helper()
	e := &env{}
	db := fixture.Store(t)
	accounts := account.New(db, db, t.TempDir(), fixture.Logger(t))
	e.accounts = accounts
	e.usage = usage.New(usage.Config{OnWalk: func(id int64) {
		e.walks.Add(1)
		if e.onWalk != nil {
			e.onWalk(id)
		}
	}}, db, fixture.Logger(t))
	t.Cleanup(func() { _ = e.usage.Close() })
	accounts.UseOperatorStore(db, e.usage)
	au := auth.New(auth.Config{}, fixture.AuthStores(db), limiter.New(limiter.DefaultConfig(), nil), fixture.Logger(t), nil)
	au.UseOperator(db, db)
	token, _, err := accounts.CreateOperatorToken(context.Background(), "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := whm.New(whm.Config{Hostname: "host.test", CPanelURL: func() string { return "https://host.test:2083" },
		Version: "test", MaxBodyBytes: 4096}, accounts, au, fixture.Logger(t))
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.url, e.token = ts.URL, token
	return e
}

func (e *env) post(t *testing.T, function, body string) (int, whm.Result) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/json-api/"+function+"?api.version=1", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "whm root:"+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var r whm.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return resp.StatusCode, r
}

func TestBounds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name, function, body string
		wantStatus           int
		wantReason           string
	}{
		{"body over the limit", "listaccts", "search=" + strings.Repeat("a", 5000), http.StatusBadRequest, "arguments"},
		{"search pattern over the limit", "listaccts", "searchtype=user&search=" + strings.Repeat("a", 257), 200, "search"},
		{"quota over the range", "addpkg", "name=big&quota=1000000", 200, "quota"},
		{"a list of failures at once", "createacct", "quota=x", 200, "“username”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, r := e.post(t, tt.function, tt.body)
			if status != tt.wantStatus || r.Metadata.Result != 0 || !strings.Contains(r.Metadata.Reason, tt.wantReason) {
				t.Fatalf("HTTP %d %+v, want %d naming %q", status, r.Metadata, tt.wantStatus, tt.wantReason)
			}
		})
	}
	if _, r := e.post(t, "createacct", "quota=x"); strings.Count(r.Metadata.Reason, "parameter") != 4 {
		t.Errorf("every bad parameter is named at once: %q", r.Metadata.Reason)
	}
}

func TestMethodsAndPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/json-api/version?api.version=1", 200},
		{http.MethodPut, "/json-api/version", 404},
		{http.MethodGet, "/execute/Ftp/list_ftp", 404},
	} {
		req, _ := http.NewRequest(tc.method, e.url+tc.path, nil)
		req.Header.Set("Authorization", "WHM root:"+e.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s: HTTP %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
}

// FuzzCall sends arbitrary arguments to the list functions and to any
// function name: the server must answer a well-formed result, never a 500.
func FuzzCall(f *testing.F) {
	for _, s := range []string{"searchtype=user&search=(a", "quota=unlimited", "token_name-1=x&token_name-3=y",
		"want=user,diskused", "acl-0=all&acl-1=x", "expires_at=-1", "searchmethod=exact&searchtype=package&search="} {
		f.Add("listaccts", s)
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, function, query string) {
		values, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		for _, fn := range []string{"listaccts", "accountsummary", "listpkgs", "api_token_list", "applist", function} {
			status, r := e.post(t, url.PathEscape(fn), values.Encode())
			if status >= 500 || r.Metadata.Version != 1 {
				t.Fatalf("%s?%s: HTTP %d %+v", fn, query, status, r.Metadata)
			}
		}
	})
}

func TestLoginURLHost(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, r := e.post(t, "createacct", "username=sso&domain=sso.example&password=Sso-pass-123"); r.Metadata.Result != 1 {
		t.Fatalf("createacct: %+v", r.Metadata)
	}
	for _, tc := range []struct{ preferred, wantPrefix, wantReason string }{
		{"", "https://host.test:2083/cpsess", ""},
		{"Panel.Example.", "https://panel.example:2083/cpsess", ""},
		{"2001:db8::1", "https://[2001:db8::1]:2083/cpsess", ""},
		{"not a host!", "", "preferred_domain"},
	} {
		_, r := e.post(t, "create_user_session", "user=sso&service=cpaneld&preferred_domain="+url.QueryEscape(tc.preferred))
		if tc.wantReason != "" {
			if r.Metadata.Result != 0 || !strings.Contains(r.Metadata.Reason, tc.wantReason) {
				t.Errorf("%q: %+v", tc.preferred, r.Metadata)
			}
			continue
		}
		data, _ := r.Data.(map[string]any)
		if u, _ := data["url"].(string); r.Metadata.Result != 1 || !strings.HasPrefix(u, tc.wantPrefix) {
			t.Errorf("%q: url %q, %+v", tc.preferred, u, r.Metadata)
		}
	}
}

func TestSavePackageUndoneWithTheAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, r := e.post(t, "createacct", "username=one&domain=one.example&password=One-pass-123&savepkg=1&pkgname=mine&quota=5"); r.Metadata.Result != 1 {
		t.Fatalf("createacct with savepkg: %+v", r.Metadata)
	}
	// The domain is taken: the account fails, and the package made for it goes too.
	if _, r := e.post(t, "createacct", "username=two&domain=one.example&password=Two-pass-123&savepkg=1&pkgname=theirs"); r.Metadata.Result != 0 {
		t.Fatalf("createacct on a taken domain: %+v", r.Metadata)
	}
	_, r := e.post(t, "listpkgs", "")
	b, _ := json.Marshal(r.Data)
	if !strings.Contains(string(b), `"mine"`) || strings.Contains(string(b), `"theirs"`) {
		t.Fatalf("packages after a failed createacct: %s", b)
	}
}

// WHM's answers over TLS carry HSTS (every path, failures included), and
// over plain HTTP they do not.
func TestHSTSOverTLS(t *testing.T) {
	srv := whm.New(whm.Config{Hostname: "host.test", CPanelURL: func() string { return "https://host.test:2083" },
		Version: "test", MaxBodyBytes: 4096}, nil, nil, fixture.Logger(t))
	ts := httptest.NewTLSServer(srv.Handler())
	t.Cleanup(ts.Close)
	plain := httptest.NewServer(srv.Handler())
	t.Cleanup(plain.Close)
	for _, tc := range []struct {
		client *http.Client
		url    string
		want   string
	}{
		{ts.Client(), ts.URL + "/no/such/page", "max-age=31536000"},
		{ts.Client(), ts.URL + "/json-api/listaccts?api.version=1", "max-age=31536000"},
		{http.DefaultClient, plain.URL + "/no/such/page", ""},
	} {
		resp, err := tc.client.Get(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); got != tc.want {
			t.Errorf("%s: Strict-Transport-Security = %q, want %q", tc.url, got, tc.want)
		}
	}
}
