package ftp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// BenchmarkListFTP measures list_ftp and list_ftp_with_disk through the
// engine, encoded as the HTTPS API encodes them, for an account with 250
// FTP logins (the soak's account, docs/benchmarks.md). cpu-us/op is the
// process's CPU time per call (garbage collection included), which, unlike
// ns/op, other programs on the machine barely change. The store answers
// the logins from its cache after the first call (store/ftp_login_cache.go);
// BenchmarkListFTPLogins in internal/store measures the read itself.
func BenchmarkListFTP(b *testing.B) {
	e := mustEnv(b)
	for i := range 250 {
		err := e.db.CreateFTPAccount(context.Background(), &hosting.FTPAccount{AccountID: e.a.ID,
			User: fmt.Sprintf("soak%d", i), Domain: "example.com", PasswordHash: "$6$saltsaltsalt$" + fmt.Sprint(i),
			HomeDir: fmt.Sprintf("public_html/soak%d", i), QuotaMB: 100})
		if err != nil {
			b.Fatal(err)
		}
	}
	for _, fn := range []string{"list_ftp", "list_ftp_with_disk"} {
		b.Run(fn, func(b *testing.B) {
			b.ReportAllocs()
			var before syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			for b.Loop() {
				r := e.call(e.a, fn)
				if r.Status != 1 {
					b.Fatal(r.Errors)
				}
				if err := json.NewEncoder(io.Discard).Encode(r); err != nil {
					b.Fatal(err)
				}
			}
			var after syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			used := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
			b.ReportMetric(float64(used)/1e3/float64(b.N), "cpu-us/op")
		})
	}
}
