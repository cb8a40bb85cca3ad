package liveapi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// errProtocol marks a request that breaks the framing; the connection is
// closed without an answer, since nothing after it can be trusted to be in
// step.
var errProtocol = errors.New("liveapi: protocol error")

// maxLengthDigits bounds the length line: no request needs more.
const maxLengthDigits = 10

// readRequest reads one request: its length in decimal digits, a newline,
// and that many bytes. It returns io.EOF when the client closed the
// connection between requests.
func readRequest(br *bufio.Reader, max int) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, io.EOF) && len(line) == 0 {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("%w: reading the length line: %v", errProtocol, err)
	}
	digits := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if len(digits) == 0 || len(digits) > maxLengthDigits {
		return nil, fmt.Errorf("%w: length line %q", errProtocol, line)
	}
	n, err := strconv.Atoi(string(digits))
	if err != nil || n < 0 || digits[0] == '+' || digits[0] == '-' {
		return nil, fmt.Errorf("%w: length line %q", errProtocol, line)
	}
	if n > max {
		return nil, fmt.Errorf("%w: request of %d bytes, more than %d", errProtocol, n, max)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(br, buf); err != nil {
		return nil, fmt.Errorf("%w: reading %d bytes: %v", errProtocol, n, err)
	}
	return buf, nil
}

// kind is what a request asks for.
type kind int

const (
	kindUnknown  kind = iota // a cPanel tag or anything else: answered with an error
	kindJSON                 // <cpaneljson enable="1">
	kindShutdown             // <cpanelxml shutdown="1" />
	kindAction               // <cpanelaction>JSON</cpanelaction>
)

// classify tells what a request asks for and, for an action, returns the
// JSON inside the tags.
func classify(req []byte) (kind, []byte) {
	s := bytes.TrimSpace(req)
	switch {
	case bytes.HasPrefix(s, []byte("<cpaneljson")):
		return kindJSON, nil
	case bytes.HasPrefix(s, []byte("<cpanelxml")) && bytes.Contains(s, []byte("shutdown")):
		return kindShutdown, nil
	}
	body, ok := bytes.CutPrefix(s, []byte("<cpanelaction>"))
	if !ok {
		return kindUnknown, nil
	}
	body, ok = bytes.CutSuffix(body, []byte("</cpanelaction>"))
	if !ok {
		return kindUnknown, nil
	}
	return kindAction, bytes.TrimSpace(body)
}

// xmlHeader starts every answer, as cPanel's does; clients skip to
// <cpanelresult>.
const xmlHeader = "<?xml version=\"1.0\" ?>\n"

// frame wraps one JSON answer. The newline after </cpanelresult> ends the
// line cpanelgo and LiveAPI PHP read the answer by.
func frame(payload []byte) []byte {
	out := make([]byte, 0, len(xmlHeader)+len(payload)+40)
	out = append(out, xmlHeader+"<cpanelresult>"...)
	out = append(out, payload...)
	return append(out, "</cpanelresult>\n"...)
}

// jsonEnabled is the answer to <cpaneljson enable="1">.
var jsonEnabled = []byte(`{"data":{"result":"json"}}`)
