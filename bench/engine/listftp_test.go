package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/uapid/uapid/internal/auth"
	"github.com/uapid/uapid/internal/catalog"
	"github.com/uapid/uapid/internal/fixture"
	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/httpapi"
	"github.com/uapid/uapid/internal/limiter"
	"github.com/uapid/uapid/internal/module/ftp"
	"github.com/uapid/uapid/internal/uapi"
)

// apiClients is the number of keep-alive clients calling at once, as a
// panel polling many accounts' FTP logins would.
const apiClients = 50

// setupListFTP boots the HTTPS API with the Ftp module over an account with
// five FTP logins, and returns the URL of list_ftp and its Authorization
// header (an API token).
func setupListFTP(b *testing.B) (string, string) {
	b.Helper()
	db := fixture.Store(b)
	acct := fixture.Account(b, fixture.Accounts(b, db), "bench", "bench.example", "bench-password")
	for _, user := range []string{"alice", "bob", "carol", "dave", "erin"} {
		err := db.CreateFTPAccount(context.Background(), &hosting.FTPAccount{AccountID: acct.ID, User: user,
			Domain: "bench.example", PasswordHash: "$6$x$y", HomeDir: "public_html/" + user, QuotaMB: 100})
		if err != nil {
			b.Fatal(err)
		}
	}
	secret := auth.NewAPIToken()
	err := db.CreateToken(context.Background(), &hosting.Token{AccountID: acct.ID, Name: "bench",
		Hash: auth.HashSecret(secret), CreatedAt: time.Now(), FullAccess: true})
	if err != nil {
		b.Fatal(err)
	}
	log := fixture.Logger(b)
	ftpSvc, err := ftp.New(ftp.Config{}, db, nil, fixture.Usage(b, db), log)
	if err != nil {
		b.Fatal(err)
	}
	au := auth.New(auth.Config{}, fixture.AuthStores(db), limiter.New(limiter.DefaultConfig(), nil), log, nil)
	eng := uapi.NewEngine(catalog.Registry(catalog.Deps{Tokens: db, FTP: ftpSvc}), log, nil)
	api := httpapi.New(httpapi.Config{}, eng, au, log, prometheus.NewRegistry())
	srv := httptest.NewTLSServer(api.Handler())
	b.Cleanup(srv.Close)
	return srv.URL + "/execute/Ftp/list_ftp", "cpanel bench:" + secret
}

// bareListFTP is the baseline: a net/http handler answering list_ftp's
// JSON for the same logins, with no auth, no engine and no database.
func bareListFTP(b *testing.B) string {
	b.Helper()
	var rows []map[string]any
	for _, user := range []string{"bench", "bench_logs", "alice", "bob", "carol", "dave", "erin"} {
		rows = append(rows, map[string]any{"user": user, "type": "sub", "homedir": "/home/bench/public_html/" + user})
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"status": 1, "errors": nil, "messages": nil,
			"warnings": nil, "metadata": map[string]any{"transformed": 1}, "data": rows})
	}))
	b.Cleanup(srv.Close)
	return srv.URL + "/execute/Ftp/list_ftp"
}

// driveClients runs apiClients goroutines, each with its own keep-alive
// connection, until b.N requests are done, and reports the p50 and p99
// latency of one request beside ns/op (which is wall time per request
// across all clients, the inverse of throughput), and cpu-us/op: the
// process's CPU time (user and system, clients included) per request. On a
// machine others are using, wall time says more about them than about the
// code; CPU time per request does not, and its ratio between two
// benchmarks is their throughput ratio on a machine they have to
// themselves.
func driveClients(b *testing.B, url, authz string) {
	b.Helper()
	c := client()
	// One connection per client, as the benchmark means. Without the cap,
	// a client whose previous connection had not yet gone back to the idle
	// pool (its read loop returns it after the body) dials a new one, and
	// the extra TLS handshakes (an RSA signature each) landed in random
	// runs: +15 allocs/op and up to +60 cpu-us/op on a loaded machine, for
	// the bare handler and uapid alike.
	c.Transport.(*http.Transport).MaxIdleConnsPerHost = apiClients
	c.Transport.(*http.Transport).MaxConnsPerHost = apiClients
	lat := make([][]time.Duration, apiClients)
	next := make(chan struct{})
	var wg, warm sync.WaitGroup
	warm.Add(apiClients)
	for i := range apiClients {
		wg.Go(func() {
			// Each client's TLS handshake happens before the timer starts.
			if err := call(c, url, authz); err != nil {
				b.Error(err)
			}
			warm.Done()
			for range next {
				t := time.Now()
				if err := call(c, url, authz); err != nil {
					b.Error(err)
				}
				lat[i] = append(lat[i], time.Since(t))
			}
		})
	}
	warm.Wait()
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime(b)
	for range b.N {
		next <- struct{}{}
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(time.Microsecond)/float64(b.N), "cpu-us/op")
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p int) float64 { return float64(all[max(0, (len(all)*p+99)/100-1)]) / 1e6 }
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(99), "p99-ms")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func call(c *http.Client, url, authz string) error {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// BenchmarkBareListFTP50 is the baseline of BenchmarkListFTP50.
func BenchmarkBareListFTP50(b *testing.B) { driveClients(b, bareListFTP(b), "") }

// BenchmarkListFTP50 is Ftp/list_ftp with an API token from 50 keep-alive
// clients at once.
func BenchmarkListFTP50(b *testing.B) {
	url, authz := setupListFTP(b)
	driveClients(b, url, authz)
}
