package vfs

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// uploadOverTCP sends body through a loopback TCP connection and copies it
// into f the way ftpserverlib copies a plain-FTP upload (io.Copy from the
// *net.TCPConn), which reaches File.ReadFrom with the connection and so
// the splice path.
func uploadOverTCP(t *testing.T, f io.Writer, body []byte) (int64, error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		_, _ = c.Write(body)
		_ = c.Close()
	}()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return io.Copy(f, c)
}

func TestSpliceUploadKeepsEveryByte(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 0, 0)
	body := make([]byte, 40<<20+12345) // rounds of 1 to 16 MiB and a partial one of 32
	rand.NewChaCha8([32]byte{1}).Read(body)
	f, err := v.Create("up.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := uploadOverTCP(t, f, body)
	if err != nil || n != int64(len(body)) {
		t.Fatalf("upload = %d, %v; want %d bytes", n, err, len(body))
	}
	f.Close()
	got, _ := os.ReadFile(filepath.Join(tr.home, "up.bin"))
	if !bytes.Equal(got, body) {
		t.Errorf("the file on disk differs from what was sent (%d bytes)", len(got))
	}
	if l.Used() != int64(len(body)) || l.marks() != 0 {
		t.Errorf("usage %d with %d changes begun, want %d and none", l.Used(), l.marks(), len(body))
	}
}

// A small spliced upload asks its counter for one chunk, not a whole
// round: a counter that keeps what files give back serves it from there.
func TestSpliceSmallUploadReservesOneChunk(t *testing.T) {
	t.Parallel()
	v, l, _ := mustQuotaFs(t, 0, 0)
	f, err := v.Create("small.bin")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := uploadOverTCP(t, f, make([]byte, 4096)); n != 4096 || err != nil {
		t.Fatalf("upload = %d, %v", n, err)
	}
	f.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.most != ReserveChunk {
		t.Errorf("largest reservation asked %d, want one chunk (%d)", l.most, ReserveChunk)
	}
}

// A spliced upload stops at the quota exactly, as a written one does.
func TestSpliceUploadStopsAtQuota(t *testing.T) {
	t.Parallel()
	v, l, tr := mustQuotaFs(t, 3<<20, 0)
	f, err := v.Create("big.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := uploadOverTCP(t, f, bytes.Repeat([]byte("u"), 5<<20))
	var qe *QuotaError
	if n != 3<<20 || !errors.As(err, &qe) {
		t.Fatalf("upload = %d, %v; want %d bytes and a QuotaError", n, err, 3<<20)
	}
	f.Close()
	if fi, _ := os.Stat(filepath.Join(tr.home, "big.bin")); fi.Size() != 3<<20 {
		t.Errorf("file holds %d bytes", fi.Size())
	}
	if got := l.Used(); got != 3<<20 {
		t.Errorf("used %d, want %d", got, 3<<20)
	}
}

// Overwriting from an offset (REST) counts only the bytes that grow the
// file.
func TestSpliceUploadOverwriteCountsGrowthOnly(t *testing.T) {
	t.Parallel()
	v, l, _ := mustQuotaFs(t, 0, 0)
	f, err := v.Create("re.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := uploadOverTCP(t, f, bytes.Repeat([]byte("a"), 1000)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(600, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := uploadOverTCP(t, f, bytes.Repeat([]byte("b"), 1000)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := l.Used(); got != 1600 {
		t.Errorf("usage %d, want 1600 (1000 then 600 more)", got)
	}
}
