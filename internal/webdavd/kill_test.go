package webdavd_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// slowUpload is a PUT whose body arrives only when the test writes it, so
// the request stays live on the server for as long as the test wants.
type slowUpload struct {
	body *io.PipeWriter
	done chan error // the request's outcome: nil for 201
}

// startUpload begins a PUT of name as login and returns once the server
// is writing the file: the request is then authenticated and attached.
func (e *env) startUpload(tb testing.TB, acct *hosting.Account, dir, name, login, pass string) *slowUpload {
	tb.Helper()
	pr, pw := io.Pipe()
	req, err := http.NewRequest("PUT", e.tlsURL+name, pr)
	if err != nil {
		tb.Fatal(err)
	}
	req.SetBasicAuth(login, pass)
	u := &slowUpload{body: pw, done: make(chan error, 1)}
	client := &http.Client{Transport: e.transport}
	go func() {
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				err = fmt.Errorf("status %d", res.StatusCode)
			}
		}
		u.done <- err
	}()
	if _, err := pw.Write([]byte("first chunk ")); err != nil {
		tb.Fatal(err)
	}
	// The upload is written to a temporary file until it completes.
	waitFor(tb, func() bool {
		for _, tmp := range tempFiles(tb, filepath.Join(acct.HomeDir, dir)) {
			if fi, err := os.Stat(filepath.Join(acct.HomeDir, dir, tmp)); err == nil && fi.Size() > 0 {
				return true
			}
		}
		return false
	})
	tb.Cleanup(func() { pw.Close() })
	return u
}

// broken feeds the upload until writing fails, as a client whose
// connection was closed notices on its next write (net/http's transport
// reports the failure only once its body writer stops), and returns the
// request's result.
func (u *slowUpload) broken(tb testing.TB) error {
	tb.Helper()
	go func() {
		chunk := make([]byte, 32<<10)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
			if _, err := u.body.Write(chunk); err != nil {
				return
			}
		}
	}()
	return u.outcome(tb)
}

// outcome waits for the upload's result.
func (u *slowUpload) outcome(tb testing.TB) error {
	tb.Helper()
	select {
	case err := <-u.done:
		return err
	case <-time.After(10 * time.Second):
		tb.Fatal("the request is still running")
		return nil
	}
}

func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatal("condition not reached")
		}
	}
}

// TestKillLogin: killing a login closes its live connection mid-upload at
// once and leaves other logins' connections alone.
func TestKillLogin(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	e.mustDisk(t, e.a, "carol", "example.com", "carol-pass", diskOptions{})
	bob := e.startUpload(t, e.a, "public_html/bob", "bob.bin", "bob@example.com", "bob-pass")
	carol := e.startUpload(t, e.a, "public_html/carol", "carol.bin", "carol@example.com", "carol-pass")
	n, err := e.srv.KillLogin(context.Background(), e.a.ID, "Bob@Example.com")
	if err != nil || n != 1 {
		t.Fatalf("KillLogin = %d, %v; want 1 connection", n, err)
	}
	if err := bob.broken(t); err == nil {
		t.Error("bob's upload finished after his login was killed")
	}
	if _, err := carol.body.Write([]byte("and the rest")); err != nil {
		t.Fatalf("carol's upload broke: %v", err)
	}
	carol.body.Close()
	if err := carol.outcome(t); err != nil {
		t.Errorf("carol's upload: %v", err)
	}
	if got := mustRead(t, e.a, "public_html/carol/carol.bin"); got != "first chunk and the rest" {
		t.Errorf("carol.bin = %q", got)
	}
	if n, _ := e.srv.KillLogin(context.Background(), e.b.ID, "carol@example.com"); n != 0 {
		t.Errorf("another account's KillLogin closed %d connections", n)
	}
}

// TestKillAccount closes every login of the account, the main one
// included, and nothing of other accounts.
func TestKillAccount(t *testing.T) {
	t.Parallel()
	e := mustEnv(t)
	e.mustDisk(t, e.a, "bob", "example.com", "bob-pass", diskOptions{})
	e.mustDisk(t, e.b, "eve", "other.org", "eve-pass", diskOptions{})
	bob := e.startUpload(t, e.a, "public_html/bob", "bob.bin", "bob@example.com", "bob-pass")
	main := e.startUpload(t, e.a, "", "main.bin", "cpuser", "cpuser-password")
	eve := e.startUpload(t, e.b, "public_html/eve", "eve.bin", "eve@other.org", "eve-pass")
	if n, err := e.srv.KillAccount(context.Background(), e.a.ID); err != nil || n != 2 {
		t.Fatalf("KillAccount = %d, %v; want 2", n, err)
	}
	for name, u := range map[string]*slowUpload{"bob": bob, "main": main} {
		if err := u.broken(t); err == nil {
			t.Errorf("%s's upload survived KillAccount", name)
		}
	}
	eve.body.Close()
	if err := eve.outcome(t); err != nil {
		t.Errorf("another account's upload: %v", err)
	}
	// Killing closes connections; it does not lock anyone out.
	if s := e.do(t, "PROPFIND", "/", "bob@example.com", "bob-pass", "", map[string]string{"Depth": "0"}).StatusCode; s != http.StatusMultiStatus {
		t.Errorf("login after kill: %d", s)
	}
	if !strings.HasPrefix(mustRead(t, e.b, "public_html/eve/eve.bin"), "first chunk") {
		t.Error("eve.bin lost")
	}
}
