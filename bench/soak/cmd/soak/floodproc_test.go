package main

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestAddFloodProcess(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  string
		want map[string]int
		max  time.Duration
	}{
		{"report", `{"Outcomes":{"answered 429":7,"still held at the end":2},"MaxHeld":61000000000}`,
			map[string]int{"answered 429": 7, "still held at the end": 2, "cut": 1}, 61 * time.Second},
		{"no report", ``, map[string]int{"cut": 1, "flood process: no report (exit status 2, unexpected end of JSON input)": 1},
			5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newResults()
			r.floodOutcome("cut", 5*time.Second)
			r.addFloodProcess([]byte(tc.out), nil, errors.New("exit status 2"))
			if len(r.flood) != len(tc.want) {
				t.Errorf("outcomes %v, want %v", r.flood, tc.want)
			}
			for k, n := range tc.want {
				if r.flood[k] != n {
					t.Errorf("outcomes %v, want %v", r.flood, tc.want)
				}
			}
			if r.floodMax != tc.max {
				t.Errorf("longest held %s, want %s", r.floodMax, tc.max)
			}
		})
	}
}

// TestFloodCommand checks that the flood process gets the flood's settings
// and runs under nice.
func TestFloodCommand(t *testing.T) {
	o := options{duration: 3 * time.Minute, flood: 5000, floodIPs: 2, floodEvery: 5 * time.Second, floodNice: 10}
	cmd, err := floodCommand(o, "127.0.0.1:8443")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"nice", "-n", "10"}
	if !slices.Equal(cmd.Args[:3], want) {
		t.Errorf("args %v, want them to start with %v", cmd.Args, want)
	}
	rest := cmd.Args[4:]
	for _, w := range [][]string{{"-flood-child", "127.0.0.1:8443"}, {"-duration", "3m0s"}, {"-flood", "5000"},
		{"-flood-ips", "2"}, {"-flood-every", "5s"}} {
		if i := slices.Index(rest, w[0]); i < 0 || i+1 >= len(rest) || rest[i+1] != w[1] {
			t.Errorf("args %v lack %s %s", rest, w[0], w[1])
		}
	}
}
