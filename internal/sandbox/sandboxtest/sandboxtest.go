// Package sandboxtest lets other packages' tests run confined programs:
// the test binary itself serves as the sandbox helper.
//
// A test package that uses it declares
//
//	func TestSandboxHelper(t *testing.T) { sandboxtest.ServeHelper(t) }
//
// and passes Config(t) (or its Helper and HelperEnv) to sandbox.New.
package sandboxtest

import (
	"fmt"
	"hash/fnv"
	"os"
	"testing"

	"github.com/uapid/uapid/internal/sandbox"
)

// envMarker tells a test binary started as the helper to be one.
const envMarker = "UAPID_SANDBOX_TEST_HELPER=1"

// ServeHelper runs the helper when the test binary was started as one, and
// skips otherwise.
func ServeHelper(t *testing.T) {
	if os.Getenv("UAPID_SANDBOX_TEST_HELPER") != "1" {
		t.Skip("the sandbox helper: runs only when a test starts it")
	}
	err := sandbox.Exec()
	fmt.Fprintln(os.Stderr, err)
	os.Exit(111)
}

// UIDBase is the uid base of the test package named pkg: a range of its
// own above the default one, so that packages testing in parallel, whose
// accounts have the same ids, do not share a process limit.
func UIDBase(pkg string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(pkg))
	return sandbox.DefaultUIDBase + 10_000_000 + int64(h.Sum32()%1000)*100_000
}

// Config is a sandbox configuration whose helper is this test binary,
// with the uid range UIDBase(pkg). It skips the test unless it runs as
// root (or with the capabilities confining needs).
func Config(tb testing.TB, pkg string) sandbox.Config {
	tb.Helper()
	if err := sandbox.Supported(); err != nil {
		tb.Skipf("%v: run the tests as root (CI does)", err)
	}
	return sandbox.Config{
		UIDBase:   UIDBase(pkg),
		Helper:    []string{os.Args[0], "-test.run=^TestSandboxHelper$"},
		HelperEnv: []string{envMarker},
	}
}
