package usermanager

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsTableMatchesRegistry keeps docs/modules/usermanager.md honest:
// every function has a row naming its feature and every parameter.
func TestDocsTableMatchesRegistry(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "modules", "usermanager.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		if name, ok := strings.CutPrefix(line, "| `"); ok {
			name, _, _ = strings.Cut(name, "`")
			rows[name] = line
		}
	}
	fs := (*Service)(nil).Funcs()
	if len(fs) != 11 {
		t.Fatalf("%d functions, want 11", len(fs))
	}
	for _, f := range fs {
		t.Run(f.Name, func(t *testing.T) {
			row, ok := rows[f.Name]
			if !ok {
				t.Fatal("no row in the functions table")
			}
			feature := f.Feature
			if feature == "" {
				feature = "—"
			}
			if !strings.Contains(row, "| "+feature+" |") {
				t.Errorf("row does not name feature %q: %s", feature, row)
			}
			for _, p := range f.Params {
				if !strings.Contains(row, "`"+p.Name+"`") {
					t.Errorf("row does not name parameter %q", p.Name)
				}
			}
		})
	}
}
