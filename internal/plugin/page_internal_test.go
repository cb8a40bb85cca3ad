package plugin

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidName: a name that passes is one plain file name in its
// directory, never hidden and never a way out.
func FuzzValidName(f *testing.F) {
	for _, s := range []string{"index.live.pl", "..", ".", ".hidden", "a/b", `a\b`, "a..b", "é", "a\x00b", "page.html.tmpl", "-x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !validName(name) {
			return
		}
		if filepath.Clean(name) != name || filepath.Base(name) != name || strings.HasPrefix(name, ".") ||
			strings.ContainsAny(name, "/\\\x00") || strings.Contains(name, "..") || len(name) > maxName {
			t.Fatalf("validName accepted %q", name)
		}
	})
}

// TestKindOf: how a file is served follows its name and executable bit.
func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		mode uint32
		want kind
	}{
		{"index.html.tmpl", 0o644, kindTemplate},
		{"index.html.tmpl", 0o755, kindTemplate},
		{"tool", 0o755, kindProgram},
		{"page.live.pl", 0o644, kindProgram},
		{"page.live.php", 0o644, kindProgram},
		{"page.livephp", 0o644, kindProgram},
		{"page.live.cgi", 0o644, kindProgram},
		{"index.html.tt", 0o644, kindTT},
		{"index.tt", 0o755, kindTT},
		{"style.css", 0o644, kindStatic},
		{"LOGO.PNG", 0o644, kindStatic},
		{"index.html", 0o644, kindNone},
		{"config.json", 0o644, kindNone},
		{"lib.pm", 0o644, kindNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := kindOf(tt.name, fs.FileMode(tt.mode)); got != tt.want {
				t.Errorf("kindOf(%q, %o) = %v, want %v", tt.name, tt.mode, got, tt.want)
			}
		})
	}
}
