package client_test

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
)

// exampleHarness stands in for testing.TB in examples: a failure panics
// and cleanups run at stop.
type exampleHarness struct{ cleanups []func() }

func (h *exampleHarness) Helper()           {}
func (h *exampleHarness) Fatal(args ...any) { panic(fmt.Sprint(args...)) }
func (h *exampleHarness) Cleanup(f func())  { h.cleanups = append(h.cleanups, f) }

func (h *exampleHarness) TempDir() string {
	dir, err := os.MkdirTemp("", "uapid-client-example-")
	if err != nil {
		panic(err)
	}
	h.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func (h *exampleHarness) stop() {
	for _, f := range slices.Backward(h.cleanups) {
		f()
	}
}

// startUapid runs a uapid with the account demo (password Demo-pass-1234,
// domains example.com and example.net) for an example and returns its
// address, which has a self-signed certificate, and the function that
// stops it.
func startUapid() (baseURL string, stop func()) {
	h := &exampleHarness{}
	s := buildServer(h, serverConfig{failures: 1000, log: slog.New(slog.DiscardHandler)})
	return s.url, h.stop
}
