package engine

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/catalog"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/httpapi"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/uapi"
)

// tokenRow is what Tokens::list answers per token, for the bare handler.
type tokenRow struct {
	CreateTime    int64    `json:"create_time"`
	ExpiresAt     *int64   `json:"expires_at"`
	Features      []string `json:"features"`
	HasFullAccess int      `json:"has_full_access"`
	Name          string   `json:"name"`
}

// setup boots uapid's HTTPS API with an account holding three tokens and
// returns its URL and a token for the Authorization header.
func setup(b *testing.B) (string, string, string) {
	b.Helper()
	db := fixture.Store(b)
	acct := fixture.Account(b, fixture.Accounts(b, db), "bench", "bench.example", "bench-password")
	secret := auth.NewAPIToken()
	for i, name := range []string{"ci", "deploy", "monitor"} {
		s := secret
		if i > 0 {
			s = auth.NewAPIToken()
		}
		err := db.CreateToken(context.Background(), &hosting.Token{AccountID: acct.ID, Name: name,
			Hash: auth.HashSecret(s), CreatedAt: time.Now(), FullAccess: true})
		if err != nil {
			b.Fatal(err)
		}
	}
	log := fixture.Logger(b)
	lim := limiter.New(limiter.DefaultConfig(), nil)
	au := auth.New(auth.Config{}, fixture.AuthStores(db), lim, log, nil)
	reg := catalog.Registry(catalog.Deps{Tokens: db})
	eng := uapi.NewEngine(reg, log, nil)
	api := httpapi.New(httpapi.Config{}, eng, au, log, prometheus.NewRegistry())
	srv := httptest.NewTLSServer(api.Handler())
	b.Cleanup(srv.Close)
	return srv.URL, "bench", secret
}

// bare is the baseline: a net/http handler answering the same JSON shape
// with no auth, no engine and no database.
func bare(b *testing.B) string {
	b.Helper()
	rows := []tokenRow{{1, nil, []string{}, 1, "ci"}, {1, nil, []string{}, 1, "deploy"}, {1, nil, []string{}, 1, "monitor"}}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": 1, "errors": nil, "messages": nil,
			"warnings": nil, "metadata": map[string]any{"transformed": 1}, "data": rows})
	}))
	b.Cleanup(srv.Close)
	return srv.URL
}

func client() *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
		MaxIdleConnsPerHost: 64}}
}

func drive(b *testing.B, c *http.Client, url string, set func(*http.Request)) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			set(req)
			resp, err := c.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("HTTP %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkBareJSONHTTPS is the baseline.
func BenchmarkBareJSONHTTPS(b *testing.B) {
	drive(b, client(), bare(b)+"/execute/Tokens/list", func(*http.Request) {})
}

// BenchmarkTokensListHTTPS is Tokens/list with an API token, the way
// scripts call uapid.
func BenchmarkTokensListHTTPS(b *testing.B) {
	url, user, token := setup(b)
	drive(b, client(), url+"/execute/Tokens/list", func(r *http.Request) {
		r.Header.Set("Authorization", fmt.Sprintf("cpanel %s:%s", user, token))
	})
}

// BenchmarkTokensListBasicHTTPS is the same with HTTP Basic: each request
// verifies a SHA512-crypt password hash.
func BenchmarkTokensListBasicHTTPS(b *testing.B) {
	url, user, _ := setup(b)
	drive(b, client(), url+"/execute/Tokens/list", func(r *http.Request) { r.SetBasicAuth(user, "bench-password") })
}
