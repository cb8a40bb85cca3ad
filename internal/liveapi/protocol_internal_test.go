package liveapi

import (
	"bufio"
	"bytes"
	"strconv"
	"testing"
)

// FuzzReadRequest: any bytes either read as framed requests of at most
// the limit, or fail; classifying what was read never panics.
func FuzzReadRequest(f *testing.F) {
	for _, s := range []string{
		"23\n<cpaneljson enable=\"1\">",
		"26\n<cpanelxml shutdown=\"1\" />",
		"0\n", "", "\n", "abc\n", "99999999999\n", "5\nab",
		"62\n<cpanelaction>\n{\"module\":\"Ftp\",\"func\":\"list_ftp\",\"apiversion\":\"uapi\"}\n</cpanelaction>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		for {
			req, err := readRequest(br, 64)
			if err != nil {
				return
			}
			if len(req) > 64 {
				t.Fatalf("request of %d bytes past the limit", len(req))
			}
			if what, body := classify(req); what == kindAction && !bytes.Contains(req, body) {
				t.Fatalf("action body %q is not inside %q", body, req)
			}
		}
	})
}

// TestReadRequestExact: the length counts bytes, so a request with
// multi-byte characters reads exactly, and the next one follows.
func TestReadRequestExact(t *testing.T) {
	req := `<cpanelaction>{"args":{"name":"é–😀"}}</cpanelaction>`
	in := strconv.Itoa(len(req)) + "\n" + req + "3\nabc"
	br := bufio.NewReader(bytes.NewReader([]byte(in)))
	for _, want := range []string{req, "abc"} {
		got, err := readRequest(br, 1000)
		if err != nil || string(got) != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
}
