package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"
)

// apiWorkers is how many list_ftp requests may be in flight at once, each
// on a keep-alive connection of its own: under the server's per-IP limit
// (64), which the generator's /metrics client shares.
const apiWorkers = 48

// apiBacklog is how many arrivals may wait for a worker (5 s at 200/s)
// before the next is dropped and counted as an error: a backlog that long
// means the answers stopped coming.
const apiBacklog = 1000

// driveAPI sends Ftp/list_ftp with the API token at o.apiRate per second
// from 127.0.0.1 and records every latency, measured from the arrival's
// planned time (open loop, Schedule of arrivals fixed in advance): when
// the generator wakes late or every worker is busy, the requests still
// go out, late, and the wait is part of their latency rather than a gap
// in the samples ("coordinated omission").
func driveAPI(ctx context.Context, o options, s *server, r *results) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // self-signed
		DialContext:         dialerFrom("127.0.0.1").DialContext,
		MaxConnsPerHost:     apiWorkers,
		MaxIdleConnsPerHost: apiWorkers,
	}}
	url := "https://" + s.https + "/execute/Ftp/list_ftp"
	auth := "cpanel " + s.user + ":" + s.token
	jobs := make(chan time.Time, apiBacklog)
	var wg sync.WaitGroup
	for range apiWorkers {
		wg.Go(func() {
			for planned := range jobs {
				apiCall(client, url, auth, planned, r)
			}
		})
	}
	scheduleArrivals(ctx, o.apiRate, jobs, r)
	close(jobs)
	wg.Wait()
}

// scheduleArrivals puts the planned time of arrival i, start + i/rate,
// into jobs at that time, until ctx ends. Arrivals already due when it
// wakes (it was late) go out at once.
func scheduleArrivals(ctx context.Context, rate int, jobs chan<- time.Time, r *results) {
	interval := time.Second / time.Duration(max(1, rate))
	start := time.Now()
	for i := 0; ; i++ {
		planned := start.Add(time.Duration(i) * interval)
		if !sleep(ctx, time.Until(planned)) {
			return
		}
		r.mu.Lock()
		r.issued++
		r.mu.Unlock()
		select {
		case jobs <- planned:
		default:
			r.fail("api", fmt.Errorf("client saturated: %d arrivals waiting for a worker", apiBacklog))
		}
	}
}

// apiCall sends one request planned for planned and records its phases.
func apiCall(client *http.Client, url, auth string, planned time.Time, r *results) {
	var ph apiPhases
	ph.sent = time.Now()
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), ph.trace()), "GET", url, nil)
	req.Header.Set("Authorization", auth)
	resp, err := client.Do(req)
	if err != nil {
		r.fail("api", err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	end := time.Now()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"status":1`)) {
		r.fail("api", fmt.Errorf("HTTP %d %v: %.200s", resp.StatusCode, err, body))
		return
	}
	r.apiSample(ph.sample(planned, end))
	r.ok("api")
}

// apiPhases are the moments of one request, from net/http/httptrace.
type apiPhases struct {
	sent, gotConn, wrote, firstByte time.Time
	reused                          bool
}

func (p *apiPhases) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GotConn: func(i httptrace.GotConnInfo) { p.gotConn, p.reused = time.Now(), i.Reused },
		WroteRequest: func(httptrace.WroteRequestInfo) {
			p.wrote = time.Now()
		},
		GotFirstResponseByte: func() { p.firstByte = time.Now() },
	}
}

// sample turns the moments into the durations the report shows.
func (p *apiPhases) sample(planned, end time.Time) apiSample {
	return apiSample{
		lat:     end.Sub(planned),
		lag:     p.sent.Sub(planned),
		conn:    p.gotConn.Sub(p.sent),
		server:  p.firstByte.Sub(p.wrote),
		newConn: !p.reused,
	}
}
