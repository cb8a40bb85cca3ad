package uapi_test

import (
	"slices"
	"testing"

	"github.com/uapid/uapid/internal/uapi"
)

// Facts states what the declaration says, in the order every description
// (CLI help, docs, the API Shell) shows it; only the repeat wording is the
// caller's.
func TestParamFacts(t *testing.T) {
	tests := []struct {
		name string
		p    uapi.Param
		want []string
	}{
		{"plain", uapi.Param{Name: "dir", Type: uapi.String}, []string{"string"}},
		{"required, may be empty", uapi.Param{Name: "m", Type: uapi.String, Required: true, AllowEmpty: true},
			[]string{"string", "required", "may be empty"}},
		{"default and aliases", uapi.Param{Name: "account", Type: uapi.String, Default: "x", Aliases: []string{"user"}},
			[]string{"string", "default x", "aliases user"}},
		{"repeatable, bounded", uapi.Param{Name: "id", Type: uapi.String, Multi: true, MaxLen: 5},
			[]string{"string", "REPEAT", "at most 5 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.Facts("REPEAT"); !slices.Equal(got, tt.want) {
				t.Errorf("Facts = %q, want %q", got, tt.want)
			}
		})
	}
}
