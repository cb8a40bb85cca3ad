package client_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/uapid/uapid/client"
)

// fakeServer answers every request with one canned answer and keeps the
// last request.
type fakeServer struct {
	status int
	body   string

	mu   sync.Mutex
	last *http.Request
	form url.Values
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f.mu.Lock()
	f.last, f.form = r, r.PostForm
	f.mu.Unlock()
	w.WriteHeader(f.status)
	_, _ = w.Write([]byte(f.body))
}

// lastRequest returns the last request and its form.
func (f *fakeServer) lastRequest() (*http.Request, url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last, f.form
}

func mustFake(t *testing.T, status int, body string) (*fakeServer, string) {
	t.Helper()
	f := &fakeServer{status: status, body: body}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

const emptySuccess = `{"data":null,"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`

// TestRequestFormat checks the bytes on the wire: method, path, headers
// and a form body.
func TestRequestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []client.Option
		auth string
		ua   string
	}{
		{"token", []client.Option{client.WithToken("demo", "TOKEN123")}, "cpanel demo:TOKEN123", client.DefaultUserAgent},
		{"basic", []client.Option{client.WithBasicAuth("demo", "p:w")},
			"Basic " + base64.StdEncoding.EncodeToString([]byte("demo:p:w")), client.DefaultUserAgent},
		{"none", []client.Option{client.WithUserAgent("deploy-bot/2")}, "", "deploy-bot/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, base := mustFake(t, http.StatusOK, emptySuccess)
			c, err := client.New(base+"/", tt.opts...)
			must(t, err)
			_, err = c.Call(context.Background(), "Ftp", "passwd", url.Values{"user": {"bob@example.com"}, "pass": {"a&b=c"}})
			must(t, err)
			r, form := f.lastRequest()
			if r.Method != http.MethodPost || r.URL.Path != "/execute/Ftp/passwd" || r.URL.RawQuery != "" ||
				r.Header.Get("Authorization") != tt.auth || r.Header.Get("User-Agent") != tt.ua ||
				r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.Header.Get("Accept") != "application/json" {
				t.Errorf("request %s %s %v", r.Method, r.URL, r.Header)
			}
			if form.Get("user") != "bob@example.com" || form.Get("pass") != "a&b=c" {
				t.Errorf("form = %v", form)
			}
		})
	}
}

// TestAnswersThatAreNotResults makes sure nothing but a result object with
// a status passes as an answer.
func TestAnswersThatAreNotResults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		http   bool // an *HTTPError
	}{
		{"HTML with 200", http.StatusOK, "<html>maintenance</html>", false},
		{"JSON without status", http.StatusOK, `{"data":[1]}`, false},
		{"proxy error", http.StatusBadGateway, "<html>bad gateway</html>", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := mustFake(t, tt.status, tt.body)
			c, err := client.New(base)
			must(t, err)
			r, err := c.Call(context.Background(), "Ftp", "list_ftp", nil)
			var he *client.HTTPError
			var ue *client.Error
			if r != nil || err == nil || errors.As(err, &ue) || errors.As(err, &he) != tt.http {
				t.Fatalf("Call = %v, %v", r, err)
			}
			if tt.http && (he.StatusCode != tt.status || string(he.Body) != tt.body || he.Message != "") {
				t.Errorf("HTTPError = %+v", he)
			}
		})
	}
}

func TestFailureWithoutMessage(t *testing.T) {
	t.Parallel()
	_, base := mustFake(t, http.StatusOK, `{"data":{"allows":0},"errors":null,"messages":null,"metadata":{},"status":0,"warnings":null}`)
	c, err := client.New(base)
	must(t, err)
	_, err = c.Call(context.Background(), "Ftp", "allows_anonymous_ftp", nil)
	var ue *client.Error
	if !errors.As(err, &ue) || ue.Error() != "Ftp::allows_anonymous_ftp: the function failed without a message" || ue.Type() != "" {
		t.Errorf("err = %v", err)
	}
}

func TestContextCancelled(t *testing.T) {
	t.Parallel()
	_, base := mustFake(t, http.StatusOK, emptySuccess)
	c, err := client.New(base)
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Tokens().List(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "Tokens::list") {
		t.Errorf("err = %v", err)
	}
}

// TestQuotaAndText decodes the fields whose JSON type varies.
func TestQuotaAndText(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]client.Quota{`250`: {Value: 250}, `"250"`: {Value: 250}, `9.5`: {Value: 9.5},
		`"unlimited"`: {Unlimited: true}, `null`: {}} {
		var q client.Quota
		if err := q.UnmarshalJSON([]byte(body)); err != nil || q != want {
			t.Errorf("Quota %s = %+v, %v", body, q, err)
		}
	}
	var q client.Quota
	if err := q.UnmarshalJSON([]byte(`"lots"`)); err == nil {
		t.Error("Quota accepted \"lots\"")
	}
	for q, want := range map[client.Quota]string{{Value: 250}: `250`, {Unlimited: true}: `"unlimited"`} {
		if b, err := json.Marshal(q); string(b) != want || err != nil {
			t.Errorf("Marshal(%+v) = %s, %v", q, b, err)
		}
	}
	for body, want := range map[string]client.Text{`250`: "250", `"unlimited"`: "unlimited", `2.5`: "2.5", `null`: ""} {
		var tx client.Text
		if err := tx.UnmarshalJSON([]byte(body)); err != nil || tx != want {
			t.Errorf("Text %s = %q, %v", body, tx, err)
		}
	}
}
