package main

import (
	"fmt"
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
	// The mutex profile's text form names its sampling, which is 0 (and the
	// profile empty) unless serve turned it on; the block profile's rate is
	// set beside it but printed nowhere.
	resp, err = http.Get("http://" + addr.String() + "/debug/pprof/mutex?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := fmt.Sprintf("sampling period=%d\n", mutexProfileFraction); !strings.Contains(string(b), want) {
		t.Errorf("mutex profile: want %q in %.200q", want, b)
	}
	resp, _ = s.get(t, "/debug/pprof/", nil)
	if resp.StatusCode == http.StatusOK {
		t.Error("the HTTPS port serves /debug/pprof/")
	}
}
