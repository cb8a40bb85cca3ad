package liveapi_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/liveapi"
)

// TestSession walks one session as Cpanel::LiveAPI runs it: JSON on, a
// UAPI call, shutdown.
func TestSession(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	cl := mustDial(t, w.mustOpen(t, w.a).Path())

	const jsonOn = "<?xml version=\"1.0\" ?>\n<cpanelresult>{\"data\":{\"result\":\"json\"}}</cpanelresult>\n"
	if got := cl.exec(t, `<cpaneljson enable="1">`); got != jsonOn {
		t.Fatalf("JSON enable answer %q, want %q", got, jsonOn)
	}
	const want = `<?xml version="1.0" ?>` + "\n" + `<cpanelresult>{"apiversion":3,"func":"get_account","module":"Probe",` +
		`"result":{"data":{"echo":"hi","user":"cpuser"},"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}}` +
		"</cpanelresult>\n"
	got := cl.exec(t, "<cpanelaction>\n"+`{"module":"Probe","reqtype":"exec","func":"get_account","apiversion":"uapi","args":{"echo":"hi"}}`+"\n</cpanelaction>")
	if got != want {
		t.Fatalf("answer\n%q\nwant\n%q", got, want)
	}
	cl.send(t, `<cpanelxml shutdown="1" />`)
	cl.mustClosed(t)
}

// TestAccountIsFixed: whatever a request names, calls run for the
// socket's account; a socket for another account serves only that one.
func TestAccountIsFixed(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	ka, kb := w.mustOpen(t, w.a), w.mustOpen(t, w.b)
	requests := []string{
		`{"module":"Probe","func":"get_account","apiversion":"uapi"}`,
		`{"module":"Probe","func":"get_account","apiversion":"uapi","user":"other","cpanel_jsonapi_user":"other"}`,
		`{"module":"Probe","func":"get_account","apiversion":3,"args":{"user":"other","cpanel_jsonapi_user":"other","account":"other"}}`,
	}
	for _, req := range requests {
		if got := at(mustDial(t, ka.Path()).action(t, req), "result", "data", "user"); got != "cpuser" {
			t.Errorf("%s on cpuser's socket ran for %v", req, got)
		}
		if got := at(mustDial(t, kb.Path()).action(t, req), "result", "data", "user"); got != "other" {
			t.Errorf("%s on other's socket ran for %v", req, got)
		}
	}
}

// TestAPIVersions: UAPI in every spelling clients use runs; API 1, API 2,
// tags and nonsense get errors where each client looks for them.
func TestAPIVersions(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	cl := mustDial(t, w.mustOpen(t, w.a).Path())
	uapiOK := func(m map[string]any) bool { return at(m, "result", "status") == 1.0 && at(m, "apiversion") == 3.0 }
	api1Err := func(m map[string]any) bool {
		return at(m, "event", "result") == 0.0 && strings.Contains(at(m, "error").(string), "UAPI calls only")
	}
	api2Err := func(m map[string]any) bool {
		return at(m, "cpanelresult", "event", "result") == 0.0 && at(m, "cpanelresult", "apiversion") == 2.0 &&
			strings.Contains(at(m, "cpanelresult", "error").(string), "API 2") && at(m, "error") != nil
	}
	tests := []struct {
		name, body string
		ok         func(map[string]any) bool
	}{
		{"uapi", `{"module":"Probe","func":"get_account","apiversion":"uapi","reqtype":"exec"}`, uapiOK},
		{"string 3 (PHP api3)", `{"module":"Probe","func":"get_account","apiversion":"3"}`, uapiOK},
		{"number 3 (Perl api3)", `{"module":"Probe","func":"get_account","apiversion":3}`, uapiOK},
		{"api2 string", `{"module":"Email","func":"listpops","apiversion":"2","reqtype":"exec","args":{}}`, api2Err},
		{"api2 number", `{"module":"Email","func":"listpops","apiversion":2}`, api2Err},
		{"api1", `{"module":"print","func":"","apiversion":"1","reqtype":"exec","args":["$homedir"]}`, api1Err},
		{"feature", `{"module":"feature","func":"feature","apiversion":"1","reqtype":"feature","args":"fileman"}`, api1Err},
		{"no version", `{"module":"Probe","func":"get_account"}`, api1Err},
		{"not JSON", `{"module":`, func(m map[string]any) bool { return at(m, "event", "result") == 0.0 }},
		{"uapi reqtype if", `{"module":"Probe","func":"get_account","apiversion":"uapi","reqtype":"if"}`,
			func(m map[string]any) bool { return at(m, "result", "status") == 0.0 }},
		{"unknown module", `{"module":"Nope","func":"list","apiversion":"uapi"}`,
			func(m map[string]any) bool {
				return at(m, "result", "status") == 0.0 && at(m, "module") == "Nope"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m := cl.action(t, tt.body); !tt.ok(m) {
				t.Errorf("unexpected answer %v", m)
			}
		})
	}
	t.Run("cPanel tag", func(t *testing.T) {
		if m := decodeAnswer(t, cl.exec(t, `<cpanel print="$homedir">`)); !api1Err(m) {
			t.Errorf("unexpected answer %v", m)
		}
	})
}

// TestArguments: args arrive as the HTTP API's JSON bodies do.
func TestArguments(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	cl := mustDial(t, w.mustOpen(t, w.a).Path())
	tests := []struct {
		name, body string
		check      func(map[string]any) bool
	}{
		{"absent", `{"module":"Probe","func":"get_account","apiversion":"uapi"}`,
			func(m map[string]any) bool { return at(m, "result", "data", "echo") == "" }},
		{"null (cpanelgo nil Args)", `{"module":"Probe","func":"get_account","apiversion":"uapi","args":null}`,
			func(m map[string]any) bool { return at(m, "result", "status") == 1.0 }},
		{"empty list (PHP array())", `{"module":"Probe","func":"get_account","apiversion":"uapi","args":[]}`,
			func(m map[string]any) bool { return at(m, "result", "status") == 1.0 }},
		{"number", `{"module":"Probe","func":"get_account","apiversion":"uapi","args":{"echo":42}}`,
			func(m map[string]any) bool { return at(m, "result", "data", "echo") == "42" }},
		{"nested", `{"module":"Probe","func":"get_nested","apiversion":"uapi","args":{"services":{"ftp":{"enabled":true}}}}`,
			func(m map[string]any) bool { return at(m, "result", "data", "ftp.enabled") == "1" }},
		{"nested refused", `{"module":"Probe","func":"get_account","apiversion":"uapi","args":{"a":{"b":1}}}`,
			func(m map[string]any) bool { return at(m, "result", "status") == 0.0 }},
		{"list", `{"module":"Probe","func":"get_account","apiversion":"uapi","args":["x"]}`,
			func(m map[string]any) bool { return at(m, "result", "status") == 0.0 }},
		{"post-processing", `{"module":"Probe","func":"list_items","apiversion":"uapi","args":{"api.sort_column":"name"}}`,
			func(m map[string]any) bool {
				list, _ := at(m, "result", "data").([]any)
				return len(list) == 2 && at(list[0], "name") == "a-"+forged
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m := cl.action(t, tt.body); !tt.check(m) {
				t.Errorf("unexpected answer %v", m)
			}
		})
	}
}

// TestAnswerCannotBeForged: a value holding </cpanelresult> is escaped, so
// clients that read up to it get the whole, real answer.
func TestAnswerCannotBeForged(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	cl := mustDial(t, w.mustOpen(t, w.a).Path())
	a := cl.exec(t, `<cpanelaction>{"module":"Probe","func":"list_items","apiversion":"uapi"}</cpanelaction>`)
	if strings.Count(a, "</cpanelresult>") != 1 || strings.Contains(a, "<cpanelresult>{\"forged") {
		t.Fatalf("answer not escaped: %q", a)
	}
	if !strings.Contains(a, `\u003c/cpanelresult\u003e`) {
		t.Errorf("want < and > escaped as \\u003c and \\u003e: %q", a)
	}
	list := at(decodeAnswer(t, a), "result", "data").([]any)
	if at(list[1], "name") != "a-"+forged {
		t.Errorf("value came back as %v", at(list[1], "name"))
	}
}

// TestFraming covers what clients write: cpanelgo without newlines,
// requests back to back in one write, and what the server closes on.
func TestFraming(t *testing.T) {
	w := mustWorld(t, liveapi.Config{MaxRequest: 1000})
	k := w.mustOpen(t, w.a)
	t.Run("cpanelgo style and pipelined", func(t *testing.T) {
		cl := mustDial(t, k.Path())
		r1 := `<cpaneljson enable="1">`
		r2 := `<cpanelaction>{"module":"Probe","reqtype":"exec","func":"get_account","apiversion":"uapi","args":{"echo":"x"}}</cpanelaction>`
		if _, err := cl.c.Write([]byte(frameReq(r1) + frameReq(r2))); err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"json", "x"} {
			a, err := cl.answer()
			if err != nil || !strings.Contains(a, `"`+want+`"`) {
				t.Fatalf("answer %d: %q, %v", i, a, err)
			}
		}
	})
	closes := []struct{ name, raw string }{
		{"not a number", "abc\n<cpaneljson enable=\"1\">"},
		{"negative", "-1\n"},
		{"plus sign", "+23\n<cpaneljson enable=\"1\">"},
		{"too long", "1001\n"},
		{"too many digits", "00000000023\n<cpaneljson enable=\"1\">"},
		{"shutdown", frameReq(`<cpanelxml shutdown="1" />`)},
		{"unframed shutdown", `<cpanelxml shutdown="1" />`},
	}
	for _, tt := range closes {
		t.Run(tt.name, func(t *testing.T) {
			cl := mustDial(t, k.Path())
			_, _ = cl.c.Write([]byte(tt.raw)) // the server may hang up before all of it is written
			if tt.name == "unframed shutdown" {
				_ = cl.c.(*net.UnixConn).CloseWrite() // as a client that sends it and hangs up
			}
			cl.mustClosed(t)
		})
	}
}

// frameReq frames a request as clients do.
func frameReq(s string) string { return strconv.Itoa(len(s)) + "\n" + s }

// TestCloseRemovesSocket: the socket and its private directory exist with
// their modes while the page runs and are gone after, connections too.
func TestCloseRemovesSocket(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	k := w.mustOpen(t, w.a)
	dir := filepath.Dir(k.Path())
	mustMode(t, dir, fs.ModeDir|0o700)
	mustMode(t, k.Path(), fs.ModeSocket|0o600)
	open := mustDial(t, k.Path())
	open.exec(t, `<cpaneljson enable="1">`)

	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{k.Path(), dir} {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s after Close: %v", p, err)
		}
	}
	open.trySend(`<cpaneljson enable="1">`)
	open.mustClosed(t)
	if c, err := net.Dial("unix", k.Path()); err == nil {
		_ = c.Close()
		t.Fatal("connected after Close")
	}
	if err := k.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func mustMode(tb testing.TB, path string, want fs.FileMode) {
	tb.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if got := fi.Mode() & (fs.ModeType | fs.ModePerm); got != want {
		tb.Errorf("%s: mode %v, want %v", path, got, want)
	}
}

// TestCloseCancelsCalls: a call still running when the page ends is
// cancelled, and Close does not wait for it forever.
func TestCloseCancelsCalls(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	k := w.mustOpen(t, w.a)
	cl := mustDial(t, k.Path())
	cl.send(t, `<cpanelaction>{"module":"Probe","func":"get_slow","apiversion":"uapi"}</cpanelaction>`)
	time.Sleep(50 * time.Millisecond) // let the call start
	done := make(chan error, 1)
	go func() { done <- k.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for a call in flight")
	}
}

// TestOtherProcessGroupRefused: a process outside the page's process
// group, even of the same user, gets no answer.
func TestOtherProcessGroupRefused(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peer credentials are checked on Linux only")
	}
	w := mustWorld(t, liveapi.Config{})
	k, err := w.srv.Open(context.Background(), w.a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close() })
	other := exec.Command("sleep", "30")
	other.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	k.AllowGroup(other.Process.Pid)

	cl := mustDial(t, k.Path())
	cl.trySend(`<cpaneljson enable="1">`)
	cl.mustClosed(t)
}

// TestConnectionWaitsForAllowGroup: a program that connects at once is
// answered as soon as the server knows its process group.
func TestConnectionWaitsForAllowGroup(t *testing.T) {
	w := mustWorld(t, liveapi.Config{})
	k, err := w.srv.Open(context.Background(), w.a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = k.Close() })
	cl := mustDial(t, k.Path())
	cl.send(t, `<cpaneljson enable="1">`)
	time.AfterFunc(50*time.Millisecond, func() { k.AllowGroup(syscall.Getpgrp()) })
	if a, err := cl.answer(); err != nil || !strings.Contains(a, "json") {
		t.Fatalf("answer %q, %v", a, err)
	}
}

// TestMaxConns: connections past the limit are closed at once.
func TestMaxConns(t *testing.T) {
	w := mustWorld(t, liveapi.Config{MaxConns: 1})
	k := w.mustOpen(t, w.a)
	first := mustDial(t, k.Path())
	first.exec(t, `<cpaneljson enable="1">`)
	second := mustDial(t, k.Path())
	second.trySend(`<cpaneljson enable="1">`)
	second.mustClosed(t)
	first.exec(t, `<cpaneljson enable="1">`)
}

// TestOpenRefusesLongPath: a socket directory too deep for a socket
// address is an error, not a silently truncated path.
func TestOpenRefusesLongPath(t *testing.T) {
	deep := filepath.Join(mustShortDir(t), strings.Repeat("d", 100))
	if err := os.Mkdir(deep, 0o700); err != nil {
		t.Fatal(err)
	}
	w := mustWorld(t, liveapi.Config{Dir: deep})
	if k, err := w.srv.Open(context.Background(), w.a); err == nil {
		_ = k.Close()
		t.Fatal("Open succeeded with a path too long for a socket")
	}
	if entries, _ := os.ReadDir(deep); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}
