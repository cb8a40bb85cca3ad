package catalog

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/uapid/uapid/internal/config"
)

var update = flag.Bool("update", false, "rewrite docs/api.md and docs/configuration.md")

// TestDocsAreGenerated keeps the reference docs identical to what the
// registry and the option table say; run with -update after changing them.
func TestDocsAreGenerated(t *testing.T) {
	var api bytes.Buffer
	if err := Registry(Deps{}).WriteMarkdown(&api); err != nil {
		t.Fatal(err)
	}
	cfg := "# Configuration\n\nGenerated from the option table by `go test ./internal/catalog -update`; do not edit.\n\n" +
		"Options come from defaults, then the YAML file named by `--config` or `UAPID_CONFIG`, then the environment. " +
		"Every variable also has a `_FILE` form that reads the value from a file (for secrets such as a PostgreSQL DSN).\n\n" +
		config.Markdown()
	for path, want := range map[string][]byte{"api.md": api.Bytes(), "configuration.md": []byte(cfg)} {
		path = filepath.Join("..", "..", "docs", path)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is out of date (err %v): run go test ./internal/catalog -update", path, err)
		}
	}
}

// TestDeclarationsAreDocumented makes sure help and docs have text for
// every function and parameter.
func TestDeclarationsAreDocumented(t *testing.T) {
	reg := Registry(Deps{})
	for _, m := range reg.Modules() {
		for _, f := range reg.Funcs(m) {
			if f.Summary == "" {
				t.Errorf("%s::%s has no summary", m, f.Name)
			}
			for _, p := range f.Params {
				if p.Doc == "" {
					t.Errorf("%s::%s parameter %s has no doc", m, f.Name, p.Name)
				}
			}
		}
	}
}

// TestReadOnlyDeclarations cross-checks the ReadOnly flags with the
// functions' names: cPanel names its readers list*, get_*, lookup_*,
// check_*, count_*, allows_*, *_exists and server_name, and nothing that
// changes anything that way. A new function that breaks the pattern must
// be added to the table below on purpose, with its flag.
func TestReadOnlyDeclarations(t *testing.T) {
	readerName := regexp.MustCompile(`^(list|list_.*|get_.*|lookup_.*|check_.*|count_.*|allows_.*|.*_exists|server_name)$`)
	exceptions := map[string]bool{} // Module::function → ReadOnly, for names the pattern misjudges
	reg := Registry(Deps{})
	for _, m := range reg.Modules() {
		for _, f := range reg.Funcs(m) {
			want, ok := exceptions[m+"::"+f.Name]
			if !ok {
				want = readerName.MatchString(f.Name)
			}
			if f.ReadOnly != want {
				t.Errorf("%s::%s: ReadOnly = %v, want %v", m, f.Name, f.ReadOnly, want)
			}
		}
	}
}
