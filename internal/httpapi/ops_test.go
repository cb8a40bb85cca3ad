package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/uapid/uapid/internal/httpapi"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden pins the exact bytes clients parse: a success with a list
// (metadata.transformed, no HTML escaping), a function failure, and an
// authentication failure.
func TestGolden(t *testing.T) {
	e := mustEnv(t, nil)
	tests := []struct {
		name   string
		path   string
		header string
		code   int
	}{
		{"success_list", "/execute/Test/list", demoBasic(), http.StatusOK},
		{"success_echo", "/execute/Test/echo?name=%3Cb%3E%26%E2%80%9C&item=x", demoBasic(), http.StatusOK},
		{"failure_missing_arg", "/execute/Test/echo", demoBasic(), http.StatusOK},
		{"failure_access_denied", "/execute/Test/list", basic(testUser, "wrong"), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "GET", tt.path, nil, tt.header).wantStatus(t, tt.code)
			golden := filepath.Join("testdata", tt.name+".golden")
			if *update {
				if err := os.WriteFile(golden, r.body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(r.body, want) {
				t.Errorf("body =\n%s\nwant (%s)\n%s", r.body, golden, want)
			}
		})
	}
}

func TestHealthz(t *testing.T) {
	var broken atomic.Bool
	e := mustEnv(t, func(c *httpapi.Config) {
		c.Health = func(context.Context) error {
			if broken.Load() {
				return errors.New("database is locked at /secret/path")
			}
			return nil
		}
	})
	if r := e.do(t, "GET", "/healthz", nil).wantStatus(t, http.StatusOK); string(r.body) != "ok" {
		t.Errorf("body = %q", r.body)
	}
	broken.Store(true)
	r := e.do(t, "GET", "/healthz", nil).wantStatus(t, http.StatusServiceUnavailable)
	if strings.Contains(string(r.body), "secret") {
		t.Errorf("/healthz shows the cause to anyone: %q", r.body)
	}
}

func TestMetrics(t *testing.T) {
	e := mustEnv(t, nil)
	e.do(t, "GET", whoami, nil, demoBasic())
	e.do(t, "GET", whoami, nil, basic(testUser, "wrong"))
	body := string(e.do(t, "GET", "/metrics", nil).wantStatus(t, http.StatusOK).body)
	for _, want := range []string{
		`uapid_http_requests_total{code="200",route="execute"} 1`,
		`uapid_http_requests_total{code="401",route="execute"} 1`,
		`uapid_http_request_duration_seconds_bucket{route="execute",le="+Inf"} 2`,
		`uapid_auth_failures_total{method="basic",reason="invalid"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Two servers on one registry (the HTTPS and the plain listener) share the
// collectors instead of panicking.
func TestMetricsSharedRegistry(t *testing.T) {
	e := mustEnv(t, nil)
	httpapi.New(httpapi.Config{}, nil, nil, nil, e.reg)
}

func TestAccessLog(t *testing.T) {
	e := mustEnv(t, nil)
	const secret = "Hunter2-in-the-query"
	r := e.do(t, "GET", whoami+"?pass="+secret, nil, demoBasic())
	e.do(t, "POST", "/login/?login_only=1&user=demo&pass="+secret, nil)
	token, cookie := mustLogin(t, e)
	e.do(t, "GET", token+whoami+"?x="+secret, nil, "Cookie: cpsession="+cookie)
	logs := e.logs.String()
	for _, leak := range []string{secret, testPass, cookie, strings.TrimPrefix(token, "/")} {
		if strings.Contains(logs, leak) {
			t.Errorf("the log contains %q:\n%s", leak, logs)
		}
	}
	id := r.header.Get("X-Request-Id")
	var line string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "req_id="+id) && strings.Contains(l, `msg="http request"`) {
			line = l
		}
	}
	for _, want := range []string{"account=demo", "proto=https", "remote=127.0.0.1", "method=GET",
		"path=" + whoami + " ", "status=200", "duration="} {
		if !strings.Contains(line, want) {
			t.Errorf("access log line lacks %q: %s", want, line)
		}
	}
}

func TestWebAndPanics(t *testing.T) {
	e := mustEnv(t, func(c *httpapi.Config) {
		c.Web = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/panic" {
				panic("web handler bug")
			}
			_, _ = w.Write([]byte("web " + r.Method + " " + r.URL.Path))
		})
	})
	for _, path := range []string{"/", "/login/", "/cpsess0123456789/frontend/index.html"} {
		if r := e.do(t, "GET", path, nil).wantStatus(t, http.StatusOK); string(r.body) != "web GET "+path {
			t.Errorf("GET %s = %q, want the web UI", path, r.body)
		}
	}
	r := e.do(t, "GET", "/panic", nil).wantStatus(t, http.StatusInternalServerError)
	id := r.header.Get("X-Request-Id")
	r.wantError(t, "An internal error occurred. The request id is "+id+"; the server log has the details.")
	if !strings.Contains(e.logs.String(), "req_id="+id) || !strings.Contains(e.logs.String(), "web handler bug") {
		t.Errorf("the panic is not in the log with its id:\n%s", e.logs.String())
	}
	// The server survived.
	e.do(t, "GET", whoami, nil, demoBasic()).wantStatus(t, http.StatusOK)
}
