package atomicfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name     string
		existing []byte
		data     []byte
		mode     os.FileMode
	}{
		{"new file", nil, []byte("secret\n"), 0o600},
		{"replaces", []byte("old content that is longer"), []byte("new"), 0o644},
		{"empty", []byte("x"), nil, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f")
			if tt.existing != nil {
				if err := os.WriteFile(path, tt.existing, 0o666); err != nil {
					t.Fatal(err)
				}
			}
			if err := atomicfile.Write(path, tt.data, tt.mode); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != string(tt.data) {
				t.Fatalf("content = %q, %v; want %q", got, err, tt.data)
			}
			st, _ := os.Stat(path)
			if st.Mode().Perm() != tt.mode {
				t.Errorf("mode = %v, want %v", st.Mode().Perm(), tt.mode)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only the file (no temporary left)", len(entries))
			}
		})
	}
}

func TestWriteMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "f")
	if err := atomicfile.Write(path, []byte("x"), 0o600); err == nil {
		t.Fatal("Write into a missing directory succeeded")
	}
}
