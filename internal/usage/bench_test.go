package usage

import (
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// BenchmarkBeginEnd measures one small write's counting on SQLite, of a
// plain file and of a Web Disk PUT's temporary file, which is recorded in
// the store under the lease's mark.
//
//	go test ./internal/usage -run - -bench BeginEnd
func BenchmarkBeginEnd(b *testing.B) {
	for _, name := range []string{"plain.txt", hosting.UploadTempPrefix + "0123456789abcdef"} {
		b.Run(map[bool]string{true: "temp", false: "plain"}[name != "plain.txt"], func(b *testing.B) {
			e := mustEnv(b)
			c := e.keeper(b, Config{}).Counter(e.acct, "", nil)
			for b.Loop() {
				if err := c.Begin(name); err != nil {
					b.Fatal(err)
				}
				if err := c.End(name, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkUploadCycle measures the counting of one bench/soak FTP round
// (STOR of 256 KiB over the previous file, then RETR) on SQLite, and
// reports the store writes per round: "held" keeps the login's lease
// between rounds (a client uploading without pause), "settled" settles it
// after each round (a client pausing longer than Config.SettleAfter).
// "dav" is a Web Disk PUT of 256 KiB (a temporary file renamed into
// place) with the lease held.
//
//	go test ./internal/usage -run - -bench UploadCycle -count 5
func BenchmarkUploadCycle(b *testing.B) {
	for _, bc := range []struct {
		name          string
		login, settle bool
		round         func(tb testing.TB, v *vfs.Fs, i int)
	}{
		{"held", true, false, func(tb testing.TB, v *vfs.Fs, _ int) { ftpCycle(tb, v, "soak.bin") }},
		{"settled", true, true, func(tb testing.TB, v *vfs.Fs, _ int) { ftpCycle(tb, v, "soak.bin") }},
		{"dav", false, false, func(tb testing.TB, v *vfs.Fs, i int) { davPut(tb, v, "c.bin", i) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r := newRounds(b, bc.login, bc.settle, func(v *vfs.Fs, i int) { bc.round(b, v, i) })
			before, cpu, n := r.w.writes.Load(), cpuTime(b), 0
			for b.Loop() {
				r.run(n)
				n++
			}
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(n), "cpu-ns/op")
			b.ReportMetric(float64(r.w.writes.Load()-before)/float64(n), "writes/op")
		})
	}
}

// BenchmarkLeaseRound is the counting alone of one FTP STOR of 256 KiB
// over a file of 256 KiB (Begin, the truncation's Release, one
// ReserveChunk, End with what was not written), with the login's lease
// settled after each round as when the client pauses longer than
// Config.SettleAfter: the store's share of a soak round without the file
// I/O.
//
//	go test ./internal/usage -run - -bench LeaseRound -count 5
func BenchmarkLeaseRound(b *testing.B) {
	e := mustEnv(b)
	w := &writeCounter{DB: e.db}
	k := mustKeeperOn(b, w, Config{SettleAfter: time.Hour})
	c := k.Counter(e.acct, "site", e.login)
	const name, size = "soak.bin", 256 << 10
	before, cpu := w.writes.Load(), cpuTime(b)
	for b.Loop() {
		must(b, c.Begin(name))
		must(b, c.Release(name, size))
		got, err := c.Reserve(name, vfs.ReserveChunk)
		must(b, err)
		must(b, c.End(name, got-size))
		k.Settle(e.acct.ID)
	}
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(w.writes.Load()-before)/float64(b.N), "writes/op")
}

// cpuTime returns the CPU time (user and system) the process has used:
// on a machine whose CPUs are the soak's bottleneck this, not the wall
// time a commit's fsync waits, is what a store write costs the others.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
