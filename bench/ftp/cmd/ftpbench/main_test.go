package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWhoPIDs(t *testing.T) {
	out := []byte("11842|ftpbench|1|IDLE||127.0.0.1|127.0.0.1|22121|0|0|0|0\n" +
		"11850|other|3|DL|a.bin|127.0.0.1|127.0.0.1|22121|10|20|50|5\n" +
		"garbage\n\n")
	tests := []struct {
		name string
		all  bool
		want []int
	}{
		{"one user", false, []int{11842}},
		{"all", true, []int{11842, 11850}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := whoPIDs(out, "ftpbench", tt.all); !slices.Equal(got, tt.want) {
				t.Errorf("whoPIDs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i))
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    int
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", []time.Duration{7}, 99, 7},
		{"p50 of 200", d, 50, 100},
		{"p99 of 200", d, 99, 198},
		{"p100 of 200", d, 100, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("percentile(%d) = %d, want %d", tt.p, got, tt.want)
			}
		})
	}
}

func TestPatternLength(t *testing.T) {
	for _, size := range []int64{0, 1, 1 << 20, 3<<20 + 5} {
		n, err := io.Copy(io.Discard, newPattern(size))
		if err != nil || n != size {
			t.Errorf("pattern(%d) gave %d bytes, %v", size, n, err)
		}
	}
}

func TestReportMarkdown(t *testing.T) {
	r := newReport()
	r.column("uapid")
	r.column("pure-ftpd")
	r.set("logins/s", "uapid", "600")
	r.set("logins/s", "pure-ftpd", "400")
	r.set("only uapid", "uapid", "1")
	r.note("a note")
	var b bytes.Buffer
	r.write(&b)
	want := "\n| measurement | uapid | pure-ftpd |\n|---|---|---|\n" +
		"| logins/s | 600 | 400 |\n| only uapid | 1 | — |\n\n- a note\n"
	if got := b.String(); !strings.HasSuffix(got, want) {
		t.Errorf("report:\n%s\nwant it to end with:\n%s", got, want)
	}
}
