package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// driveAPI sends Ftp/list_ftp with the API token at o.apiRate per second
// (open loop: a slow answer does not slow the arrivals) from 127.0.0.1, and
// records every latency. Arrivals that find every worker busy are counted
// as errors: the server could not keep up. A ticker drops the ticks its
// goroutine was too late to take, so a generator starved of CPU issues
// fewer arrivals than planned; the report says how many.
func driveAPI(ctx context.Context, o options, s *server, r *results) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // self-signed
		DialContext:         dialerFrom("127.0.0.1").DialContext,
		MaxConnsPerHost:     48,
		MaxIdleConnsPerHost: 48,
	}}
	url := "https://" + s.https + "/execute/Ftp/list_ftp"
	auth := "cpanel " + s.user + ":" + s.token
	jobs := make(chan struct{}, 256)
	var wg sync.WaitGroup
	for range 48 {
		wg.Go(func() {
			for range jobs {
				apiCall(client, url, auth, r)
			}
		})
	}
	t := time.NewTicker(time.Second / time.Duration(max(1, o.apiRate)))
	defer t.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-t.C:
			r.mu.Lock()
			r.issued++
			r.mu.Unlock()
			select {
			case jobs <- struct{}{}:
			default:
				r.fail("api", fmt.Errorf("client saturated: 256 requests waiting"))
			}
		}
	}
	close(jobs)
	wg.Wait()
}

func apiCall(client *http.Client, url, auth string, r *results) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", auth)
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		r.fail("api", err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	lat := time.Since(start)
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"status":1`)) {
		r.fail("api", fmt.Errorf("HTTP %d %v: %.200s", resp.StatusCode, err, body))
		return
	}
	r.latency(lat)
	r.ok("api")
}
