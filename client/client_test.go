package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uapid/uapid/client"
)

// TestAuthMethods calls the same function with each way of logging in.
func TestAuthMethods(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	ctx := context.Background()
	tok, err := s.client(t).Tokens().CreateFullAccess(ctx, "deploy", time.Time{})
	must(t, err)
	session, err := client.Login(ctx, s.url, testUser, testPass, client.WithHTTPClient(s.http))
	must(t, err)
	tokenClient, err := client.New(s.url, client.WithHTTPClient(s.http), client.WithToken(testUser, tok.Token))
	must(t, err)
	for name, c := range map[string]*client.Client{"basic": s.client(t), "token": tokenClient, "session": session} {
		t.Run(name, func(t *testing.T) {
			r, err := c.Call(ctx, "Tokens", "list", nil)
			if err != nil || r.Status != 1 || !strings.Contains(string(r.Data), `"name":"deploy"`) {
				t.Fatalf("Call = %+v, %v", r, err)
			}
		})
	}
}

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	ctx := context.Background()
	c, err := client.Login(ctx, s.url, testUser, testPass, client.WithHTTPClient(s.http))
	must(t, err)
	if _, err := c.Ftp().ServerName(ctx); err != nil {
		t.Fatalf("call in session: %v", err)
	}
	must(t, c.Logout(ctx))
	if _, err := c.Ftp().ServerName(ctx); !errors.Is(err, client.ErrNotLoggedIn) {
		t.Errorf("call after logout: %v, want ErrNotLoggedIn", err)
	}
	if err := c.Logout(ctx); !errors.Is(err, client.ErrNotLoggedIn) {
		t.Errorf("second logout: %v, want ErrNotLoggedIn", err)
	}
	if err := s.client(t).Logout(ctx); !errors.Is(err, client.ErrNotLoggedIn) {
		t.Errorf("logout without a session: %v, want ErrNotLoggedIn", err)
	}
}

// TestSessionEndsOnServer checks that a session the server ended (here by a
// password change) answers 401 rather than falling back to anything else.
func TestSessionEndsOnServer(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	ctx := context.Background()
	c, err := client.Login(ctx, s.url, testUser, testPass, client.WithHTTPClient(s.http))
	must(t, err)
	must(t, s.accounts.SetPassword(ctx, testUser, "Another-pass-5678"))
	_, err = c.Tokens().List(ctx)
	var he *client.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusUnauthorized {
		t.Fatalf("err = %v, want HTTP 401", err)
	}
}

// TestHTTPErrors covers the refusals that happen before any function runs.
func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	ctx := context.Background()
	suspended := mustServer(t)
	must(t, suspended.accounts.SetSuspended(ctx, testUser, true))
	tests := []struct {
		name    string
		c       func(t *testing.T) (*client.Client, error)
		code    int
		message string
	}{
		{"no credentials", func(t *testing.T) (*client.Client, error) {
			return client.New(s.url, client.WithHTTPClient(s.http))
		}, 401, "Access denied"},
		{"wrong password", func(t *testing.T) (*client.Client, error) {
			return client.New(s.url, client.WithHTTPClient(s.http), client.WithBasicAuth(testUser, "wrong"))
		}, 401, "Access denied"},
		{"wrong token", func(t *testing.T) (*client.Client, error) {
			return client.New(s.url, client.WithHTTPClient(s.http), client.WithToken(testUser, strings.Repeat("A", 32)))
		}, 401, "Access denied"},
		{"suspended", func(t *testing.T) (*client.Client, error) { return suspended.client(t), nil }, 403, "This account is suspended."},
		{"login with wrong password", func(t *testing.T) (*client.Client, error) {
			return client.Login(ctx, s.url, testUser, "wrong", client.WithHTTPClient(s.http))
		}, 401, "invalid_login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.c(t)
			if err == nil {
				_, err = c.Call(ctx, "Ftp", "server_name", nil)
			}
			var he *client.HTTPError
			if !errors.As(err, &he) || he.StatusCode != tt.code || he.Message != tt.message || len(he.Body) == 0 {
				t.Fatalf("err = %#v, want HTTP %d %q", err, tt.code, tt.message)
			}
			var ue *client.Error
			if errors.As(err, &ue) {
				t.Error("an HTTP refusal is also a *client.Error")
			}
		})
	}
}

func TestTooManyFailures(t *testing.T) {
	t.Parallel()
	s := mustServer(t, func(c *serverConfig) { c.failures = 2 })
	bad, err := client.New(s.url, client.WithHTTPClient(s.http), client.WithBasicAuth(testUser, "wrong"))
	must(t, err)
	var he *client.HTTPError
	for range 5 {
		_, err = bad.Call(context.Background(), "Ftp", "server_name", nil)
		if errors.As(err, &he) && he.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if he == nil || he.StatusCode != http.StatusTooManyRequests || he.RetryAfter <= 0 {
		t.Fatalf("err = %v (%+v), want HTTP 429 with Retry-After", err, he)
	}
	if !strings.Contains(he.Error(), "429 Too Many Requests") {
		t.Errorf("Error() = %q", he.Error())
	}
}

// TestUAPIErrors checks that status 0 is an *Error with cPanel's messages
// and the whole result.
func TestUAPIErrors(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	ctx := context.Background()
	tests := []struct {
		name, module, fn string
		args             url.Values
		want             string
	}{
		{"missing argument", "Ftp", "add_ftp", nil, "You must specify a user name."},
		{"unknown function", "Ftp", "no_such", nil, "The system could not find the function “no_such” in the module “Ftp”."},
		{"unknown module", "Nope", "list", nil, "The system could not find the module “Nope”."},
		{"foreign domain", "Ftp", "add_ftp", url.Values{"user": {"bob"}, "pass": {"x-Pass-1234"}, "domain": {"other.org"}},
			"You do not own the domain “other.org”."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.Call(ctx, tt.module, tt.fn, tt.args)
			var ue *client.Error
			if r != nil || !errors.As(err, &ue) {
				t.Fatalf("Call = %v, %v; want a *client.Error", r, err)
			}
			if ue.Module != tt.module || ue.Func != tt.fn || !slices.Equal(ue.Errors, []string{tt.want}) ||
				ue.Result == nil || ue.Result.Status != 0 {
				t.Errorf("error = %+v", ue)
			}
			if want := tt.module + "::" + tt.fn + ": " + tt.want; ue.Error() != want {
				t.Errorf("Error() = %q, want %q", ue.Error(), want)
			}
		})
	}
}

func TestInvalidFunctionName(t *testing.T) {
	t.Parallel()
	c, err := client.New("https://127.0.0.1:1")
	must(t, err)
	for _, name := range []string{"", "a/b", "../x", "a b"} {
		if _, err := c.Call(context.Background(), "Ftp", name, nil); err == nil || !strings.Contains(err.Error(), "invalid function name") {
			t.Errorf("Call(%q) = %v", name, err)
		}
	}
}

// TestCallMetadata uses the generic call with cPanel's api.* arguments.
func TestCallMetadata(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	c := s.client(t)
	ctx := context.Background()
	for _, name := range []string{"a-one", "b-two", "c-three"} {
		if _, err := c.Tokens().CreateFullAccess(ctx, name, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := c.Call(ctx, "Tokens", "list", url.Values{"api.sort_column": {"name"}, "api.sort_reverse": {"1"},
		"api.paginate_size": {"2"}, "api.paginate_start": {"1"}})
	must(t, err)
	var page []client.APIToken
	must(t, r.Decode(&page))
	if len(page) != 2 || page[0].Name != "c-three" || page[1].Name != "b-two" {
		t.Errorf("page = %+v", page)
	}
	pg, _ := r.Metadata["paginate"].(map[string]any)
	if r.Metadata["transformed"] != json.Number("1") || pg["total_results"] != json.Number("3") {
		t.Errorf("metadata = %v", r.Metadata)
	}
	var names []struct{ Name string }
	must(t, c.CallInto(ctx, "Tokens", "list", url.Values{"api.filter_column": {"name"}, "api.filter_term": {"two"}}, &names))
	if len(names) != 1 || names[0].Name != "b-two" {
		t.Errorf("filtered = %+v", names)
	}
}

// TestResultHook sees the warnings typed methods do not return.
func TestResultHook(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	var mu sync.Mutex
	var seen []*client.Result
	c := s.client(t, client.WithResultHook(func(r *client.Result) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r)
	}))
	_, err := c.Email().AddPop(context.Background(), client.AddPopParams{Email: "amy", Password: "Amy-pass-1234", SendWelcomeEmail: true})
	must(t, err)
	if len(seen) != 1 || seen[0].Module != "Email" || seen[0].Func != "add_pop" || len(seen[0].Warnings) != 1 {
		t.Fatalf("hook saw %+v", seen)
	}
}

func TestCertificates(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	ctx := context.Background()
	strict, err := client.New(s.url, client.WithBasicAuth(testUser, testPass))
	must(t, err)
	if _, err := strict.Ftp().ServerName(ctx); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("self-signed certificate accepted without asking: %v", err)
	}
	insecure, err := client.New(s.url, client.WithBasicAuth(testUser, testPass), client.WithInsecureSkipVerify())
	must(t, err)
	if _, err := insecure.Ftp().ServerName(ctx); err != nil {
		t.Errorf("WithInsecureSkipVerify: %v", err)
	}
	// The caller's client is copied, not changed.
	own := &http.Client{Timeout: time.Minute}
	c, err := client.New(s.url, client.WithHTTPClient(own), client.WithInsecureSkipVerify(), client.WithBasicAuth(testUser, testPass))
	must(t, err)
	if _, err := c.Ftp().ServerName(ctx); err != nil || own.Transport != nil {
		t.Errorf("with own client: %v; transport %v", err, own.Transport)
	}
	custom := &http.Client{Transport: roundTripFunc(http.DefaultTransport.RoundTrip)}
	if _, err := client.New(s.url, client.WithHTTPClient(custom), client.WithInsecureSkipVerify()); err == nil {
		t.Error("WithInsecureSkipVerify on a transport it cannot change gave no error")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestBasePath serves the API below a path, as behind a reverse proxy.
func TestBasePath(t *testing.T) {
	t.Parallel()
	s := mustServer(t)
	target, err := url.Parse(s.url)
	must(t, err)
	proxy := httptest.NewTLSServer(http.StripPrefix("/uapi", &reverseProxy{target: target, http: s.http}))
	t.Cleanup(proxy.Close)
	ctx := context.Background()
	for _, base := range []string{proxy.URL + "/uapi", proxy.URL + "/uapi/"} {
		c, err := client.New(base, client.WithHTTPClient(proxy.Client()), client.WithBasicAuth(testUser, testPass))
		must(t, err)
		if name, err := c.Ftp().ServerName(ctx); err != nil || name != "pure-ftpd" {
			t.Errorf("%s: %q, %v", base, name, err)
		}
		sess, err := client.Login(ctx, base, testUser, testPass, client.WithHTTPClient(proxy.Client()))
		must(t, err)
		if _, err := sess.Tokens().List(ctx); err != nil {
			t.Errorf("%s session: %v", base, err)
		}
		must(t, sess.Logout(ctx))
	}
}

// reverseProxy forwards requests to target, as a proxy in front of uapid
// would (net/http/httputil would do, but this keeps the test explicit).
type reverseProxy struct {
	target *url.URL
	http   *http.Client
}

func (p *reverseProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u := *p.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := p.http.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}

func TestNewRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"", "host:2083", "ftp://host", "https://", "https://host/?a=1", "https://u:p@host", "https://host/#x"} {
		if _, err := client.New(base); err == nil {
			t.Errorf("New(%q) accepted", base)
		}
	}
}
