package ftpserver

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
)

// scannerReply is the reply v0.32.0 wrote, line by line through
// bufio.Scanner and fmt: appendReply must give the same bytes.
func scannerReply(code int, message string) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(message))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) == 0 {
		lines = append(lines, "")
	}
	var b strings.Builder
	for i, line := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(&b, "%d%s%s\r\n", code, sep, line)
	}
	return b.String()
}

func TestAppendReplyMatchesScanner(t *testing.T) {
	for _, message := range []string{
		"", "\n", "\r\n", "Transfer complete", "ok\n", "first line\r\nsecond line\r\n",
		"first line\nsecond line\n", "first line\rsecond line", "first line\n\nsecond line\n\n",
		"a\n\n\nb", "trailing cr\r", "\n\nx",
	} {
		want := scannerReply(226, message)
		if got := string(appendReply([]byte("prefix:"), 226, message)); got != "prefix:"+want {
			t.Errorf("appendReply(%q) = %q, want %q", message, got, "prefix:"+want)
		}
	}
}

// BenchmarkWriteMessage measures one single-line reply, the kind every
// transfer sends several of.
func BenchmarkWriteMessage(b *testing.B) {
	c := &clientHandler{writer: bufio.NewWriter(io.Discard)}
	b.ReportAllocs()
	for b.Loop() {
		c.writeMessage(StatusClosingDataConn, "Closing transfer connection")
	}
}
