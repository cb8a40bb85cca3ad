package vfs

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// uploadSmall copies a 4 KiB upload into a new file through ReadFrom, as
// io.Copy does for an FTP STOR.
func uploadSmall(tb testing.TB, v *Fs, name string, body []byte) {
	f, err := v.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(f, struct{ io.Reader }{bytes.NewReader(body)}); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestReadFromReusesBuffers checks that an upload does not allocate its
// 512 KiB copy buffer each time: 200 small uploads must allocate far less
// than one buffer each. Not parallel, so that other tests' allocations do
// not count; the bound is loose (a quarter of a buffer per upload).
func TestReadFromReusesBuffers(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector makes sync.Pool drop buffers at random")
	}
	v := mustOpen(t, mustTree(t).home, Options{})
	body := bytes.Repeat([]byte("x"), 4<<10)
	uploadSmall(t, v, "warm.bin", body)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 200
	for i := range n {
		uploadSmall(t, v, fmt.Sprintf("f%d.bin", i), body)
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > copyBufferSize/4 {
		t.Errorf("%d bytes allocated per 4 KiB upload: the copy buffer is not reused", per)
	}
}

// BenchmarkUploadSmall is the vfs side of a 4 KiB FTP upload: create, copy
// through ReadFrom, close (the counter's reserve and end included).
func BenchmarkUploadSmall(b *testing.B) {
	v := mustOpen(b, mustTree(b).home, Options{Usage: NewQuota(0, 0)})
	body := bytes.Repeat([]byte("x"), 4<<10)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		uploadSmall(b, v, fmt.Sprintf("f%d.bin", i%100), body)
	}
}
