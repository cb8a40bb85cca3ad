package plugin_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/uapid/uapid/internal/plugin"
)

// TestCpanelgoPage builds a plugin page with cpanelgo, a Go LiveAPI client
// written for cPanel (testdata/cpanelgo pins it), and runs it: its
// cpanel.NewLiveApi session works unchanged, its calls act for the
// session's account only, and its API 2 call gets an error it reports.
func TestCpanelgoPage(t *testing.T) {
	goCmd, err := exec.LookPath("go") // go test puts its own go first on PATH
	if err != nil {
		t.Skip("no go command to build the cpanelgo page")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "go", "tokens.live.cgi")
	build := exec.Command(goCmd, "build", "-o", bin, ".")
	build.Dir = "testdata/cpanelgo"
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the cpanelgo page: %v\n%s", err, out)
	}
	e := mustEnv(t, plugin.Config{Dir: dir})
	for _, tt := range []struct{ user, pass, mine, theirs string }{
		{"cpuser", passA, "alpha", "bravo"}, {"other", passB, "bravo", "alpha"},
	} {
		t.Run(tt.user, func(t *testing.T) {
			body := e.login(t, tt.user, tt.pass).mustGet(t, "/plugins/go/tokens.live.cgi")
			mustContain(t, body, `<p id="user">`+tt.user+`</p>`, "<li>"+tt.mine+"</li>",
				`<p id="request">GET /`, "/plugins/go/tokens.live.cgi</p>")
			mustContain(t, between(body, `<p id="api2">`, "</p>"), "UAPI calls only")
			mustNotContain(t, body, tt.theirs)
		})
	}
}
