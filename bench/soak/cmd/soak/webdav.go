package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/uapid/uapid/bench/internal/harness"
)

// davClients are spread over this many source addresses.
const davIPs = 5

// driveWebDAV runs o.davClients Web Disk clients, each on a keep-alive
// connection of its own: PUT a file, GET it back, PROPFIND the folder.
func driveWebDAV(ctx context.Context, o options, s *server, r *results) {
	base := "https://" + s.webdav + "/soak/"
	if err := davDo(newDavClient("127.0.0.1"), s, "MKCOL", base, nil, http.StatusCreated, http.StatusMethodNotAllowed); err != nil {
		r.fail("webdav", err)
	}
	var wg sync.WaitGroup
	for i := range o.davClients {
		wg.Go(func() {
			c := newDavClient(sourceIP(3, i%davIPs))
			name := fmt.Sprintf("%sc%d.bin", base, i)
			for ctx.Err() == nil {
				if err := davRound(c, s, base, name, int64(o.fileKiB)<<10); err != nil {
					if ctx.Err() == nil {
						r.fail("webdav", err)
					}
				} else {
					r.ok("webdav")
				}
				sleep(ctx, 500*time.Millisecond)
			}
		})
	}
	wg.Wait()
}

func newDavClient(ip string) *http.Client {
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // self-signed
		DialContext:     dialerFrom(ip).DialContext, MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1,
	}}
}

func davRound(c *http.Client, s *server, base, name string, size int64) error {
	if err := davDo(c, s, "PUT", name, harness.NewPattern(size), http.StatusCreated, http.StatusNoContent); err != nil {
		return err
	}
	if err := davDo(c, s, "GET", name, nil, http.StatusOK); err != nil {
		return err
	}
	return davDo(c, s, "PROPFIND", base, nil, http.StatusMultiStatus)
}

// davDo sends one request and checks its status; bodies are read in full.
func davDo(c *http.Client, s *server, method, url string, body io.Reader, want ...int) error {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(s.user, s.pass)
	if method == "PROPFIND" {
		req.Header.Set("Depth", "1")
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %s", method, shortErr(err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, w := range want {
		if resp.StatusCode == w {
			return nil
		}
	}
	return fmt.Errorf("%s %s: HTTP %d %.100s", method, url, resp.StatusCode, strings.TrimSpace(string(b)))
}
