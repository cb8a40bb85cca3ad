package harness

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

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
			if got := Percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("Percentile(%d) = %d, want %d", tt.p, got, tt.want)
			}
		})
	}
}

func TestReportMarkdown(t *testing.T) {
	r := NewReport()
	r.Column("uapid")
	r.Column("pure-ftpd")
	r.Set("logins/s", "uapid", "600")
	r.Set("logins/s", "pure-ftpd", "400")
	r.Set("only uapid", "uapid", "1")
	r.Note("a note")
	var b bytes.Buffer
	r.Write(&b)
	want := "\n| measurement | uapid | pure-ftpd |\n|---|---|---|\n" +
		"| logins/s | 600 | 400 |\n| only uapid | 1 | — |\n\n- a note\n"
	if got := b.String(); !strings.HasSuffix(got, want) {
		t.Errorf("report:\n%s\nwant it to end with:\n%s", got, want)
	}
}

func TestPhases(t *testing.T) {
	got, err := Phases(" a, c ,", []string{"a", "b", "c"})
	if err != nil || !got["a"] || !got["c"] || got["b"] {
		t.Errorf("Phases = %v, %v", got, err)
	}
	if _, err := Phases("a,x", []string{"a"}); err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Errorf("unknown phase: err = %v", err)
	}
}
