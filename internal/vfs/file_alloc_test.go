package vfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"syscall"
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
// copy buffer each time: 200 small uploads must allocate far less
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
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per > recordBufferSize/4 {
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

// readSizes is an upload source that records how much each read asked for.
type readSizes struct {
	r     io.Reader
	sizes []int
}

func (s *readSizes) Read(p []byte) (int, error) {
	s.sizes = append(s.sizes, len(p))
	return s.r.Read(p)
}

// socketSizes is readSizes as a socket: a syscall.Conn (but no deadlines,
// so ReadFrom copies instead of splicing).
type socketSizes struct{ *readSizes }

func (socketSizes) SyscallConn() (syscall.RawConn, error) {
	return nil, errors.New("not a real socket")
}

// TestReadFromBufferBySource checks that ReadFrom reads a socket into its
// 512 KiB buffer and any other source (a TLS connection, an HTTP body,
// which give at most a 16 KiB record a read) into the 64 KiB one.
func TestReadFromBufferBySource(t *testing.T) {
	v := mustOpen(t, mustTree(t).home, Options{})
	body := bytes.Repeat([]byte("x"), 1<<20)
	for _, tc := range []struct {
		name string
		src  func(*readSizes) io.Reader
		want int
	}{
		{"reader", func(s *readSizes) io.Reader { return s }, recordBufferSize},
		{"socket", func(s *readSizes) io.Reader { return socketSizes{s} }, copyBufferSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := v.Create(tc.name + ".bin")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rs := &readSizes{r: bytes.NewReader(body)}
			if n, err := io.Copy(f, tc.src(rs)); err != nil || n != int64(len(body)) {
				t.Fatalf("ReadFrom = %d, %v", n, err)
			}
			for _, size := range rs.sizes {
				if size != tc.want {
					t.Fatalf("reads of %v bytes, want %d each", rs.sizes, tc.want)
				}
			}
		})
	}
}
