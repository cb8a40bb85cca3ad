package main

import (
	"slices"
	"testing"
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
