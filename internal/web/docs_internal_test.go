package web

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryRoute keeps docs/web.md current: every page and action
// URL and every action's function appear in it.
func TestDocsListEveryRoute(t *testing.T) {
	b, err := os.ReadFile("../../docs/web.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, p := range allPages() {
		if !strings.Contains(doc, "| `"+p.path+"` |") {
			t.Errorf("docs/web.md does not list the page %s", p.path)
		}
	}
	for _, a := range allActions() {
		if !strings.Contains(doc, "| `"+a.path+"` | `"+a.module+"::"+a.function+"` |") {
			t.Errorf("docs/web.md does not list the action %s (%s::%s)", a.path, a.module, a.function)
		}
	}
}
