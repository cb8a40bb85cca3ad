package web

import (
	"os"
	"strings"
	"testing"
)

// TestDocsListEveryRoute keeps docs/web.md current: every page and action
// URL, every action's function and the routes without a session appear
// in it.
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
	// The routes without a session, each the first cell of a row.
	for _, route := range []string{"`GET /`, `GET /login/`", "`GET /invitation?token=…`", "`POST /invitation`"} {
		if !strings.Contains(doc, "| "+route+" |") {
			t.Errorf("docs/web.md does not list %s", route)
		}
	}
}
