package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/bench/internal/harness"
)

// TestLoopbackUploadOnce: the upload ceiling's receiver stores exactly what
// the client sent, so its rate is that of a complete upload.
func TestLoopbackUploadOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "up.bin")
	const size = 3<<20 + 123 // several splice rounds and a partial one
	if _, err := loopbackUploadOnce(path, size); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := io.ReadAll(harness.NewPattern(size))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("stored %d bytes, not the %d sent", len(got), len(want))
	}
}

// TestLoopbackOnce: the download ceiling reads the whole file, and a file
// shorter than announced is an error, not a rate.
func TestLoopbackOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "down.bin")
	const size = 3<<20 + 123
	if err := harness.WriteFile(path, size); err != nil {
		t.Fatal(err)
	}
	if _, err := loopbackOnce(path, size); err != nil {
		t.Fatal(err)
	}
	if _, err := loopbackOnce(path, size+1); err == nil {
		t.Error("a short transfer gave no error")
	}
}
