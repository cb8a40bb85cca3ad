package ftp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsTableMatchesRegistry keeps docs/modules/ftp.md honest: every
// function has a row naming its feature and every parameter and alias.
func TestDocsTableMatchesRegistry(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "modules", "ftp.md"))
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
	e := mustEnv(t)
	for _, f := range e.eng.Registry().Funcs("Ftp") {
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
				for _, n := range append([]string{p.Name}, p.Aliases...) {
					if !strings.Contains(row, "`"+n+"`") {
						t.Errorf("row does not name parameter %q", n)
					}
				}
			}
		})
	}
}
