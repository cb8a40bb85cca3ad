package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// testDebug checks that debug_addr serves pprof and that the tenants'
// HTTPS port does not.
func (s *server) testDebug(t *testing.T) {
	addr := s.main.Addr("debug")
	if addr == nil {
		t.Fatal("no debug listener although debug_addr is set")
	}
	resp, err := http.Get("http://" + addr.String() + "/debug/pprof/goroutine?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "goroutine profile") {
		t.Errorf("debug listener: %d %.100q", resp.StatusCode, b)
	}
	resp, _ = s.get(t, "/debug/pprof/", nil)
	if resp.StatusCode == http.StatusOK {
		t.Error("the HTTPS port serves /debug/pprof/")
	}
}
