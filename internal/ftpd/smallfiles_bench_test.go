package ftpd_test

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/ftpd"
)

// BenchmarkSmallFiles drives a real client (jlaffaye/ftp, EPSV) through one
// 4 KiB STOR and RETR per iteration on a multiplexed passive range, as
// bench/ftp's small-file run does. allocs/op and B/op are the process's,
// client included: compare them between builds, not with the server alone.
//
//	go test -run XXX -bench SmallFiles -benchmem ./internal/ftpd
func BenchmarkSmallFiles(b *testing.B) {
	// Ports below the ephemeral range (32768-), which no client socket
	// holds (a failed bind is retried at each turn of the window). One
	// server for both: a sub-benchmark's body runs more than once (b.N = 1
	// first), and two servers cannot share the passive range.
	f := mustServer(b, ftpd.Config{PassivePortRange: "31700-31763"}, lenientLimits())
	a := f.mustAccount(b, "cpuser", "main-pass", "example.com")
	f.mustFTPAccount(b, a, "bob", "example.com", "bob-pass", "bob", 0)
	c := mustLogin(b, f.addr, "bob@example.com", "bob-pass")
	content := bytes.Repeat([]byte("x"), 4096)
	const names = 256 // files reused round-robin: the directory stays small
	for i := range names {
		mustStor(b, c, fmt.Sprintf("f%d", i), string(content))
	}

	for _, op := range []string{"STOR", "RETR"} {
		b.Run(op, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(content)))
			for i := 0; b.Loop(); i++ {
				name := fmt.Sprintf("f%d", i%names)
				if op == "RETR" {
					benchRetr(b, c, name, len(content))
				} else if err := c.Stor(name, bytes.NewReader(content)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchRetr(b *testing.B, c *ftp.ServerConn, name string, size int) {
	r, err := c.Retr(name)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	if err != nil || n != int64(size) {
		b.Fatalf("RETR %s: %d bytes, %v", name, n, err)
	}
}
