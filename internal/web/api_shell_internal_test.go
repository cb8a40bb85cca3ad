package web

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/uapi"
)

func TestShellArgs(t *testing.T) {
	f := &uapi.Func{Module: "M", Name: "f", Params: []uapi.Param{
		{Name: "item", Multi: true},
		{Name: "message", Required: true, AllowEmpty: true},
		{Name: "quota", Type: uapi.QuotaMB, Default: "0"},
	}}
	tests := []struct {
		name string
		form url.Values
		want []shellArg
		errs int
	}{
		{"blank fields are left out", url.Values{"arg-item": {""}, "arg-quota": {""}}, nil, 0},
		{"empty allowed", url.Values{"arg-message": {""}}, []shellArg{{"message", ""}}, 0},
		{"repeatable", url.Values{"arg-item": {"a\r\n\nb\nc"}}, []shellArg{{"item", "a"}, {"item-1", "b"}, {"item-2", "c"}}, 0},
		{"declared order, then extras", url.Values{"arg-quota": {"5"}, "arg-item": {"x"}, "extra": {"api.sort_column=user\nk= v=w"}},
			[]shellArg{{"item", "x"}, {"quota", "5"}, {"api.sort_column", "user"}, {"k", " v=w"}}, 0},
		{"bad extras", url.Values{"extra": {"novalue\n=x\na b=c"}}, nil, 3},
		{"unknown fields ignored", url.Values{"quota": {"9"}, "arg-nope": {"1"}}, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := shellArgs(f, tt.form)
			if !reflect.DeepEqual(got, tt.want) || len(errs) != tt.errs {
				t.Errorf("got %v %q, want %v and %d errors", got, errs, tt.want, tt.errs)
			}
		})
	}
	if _, errs := extraArgs(strings.Repeat("k=v\n", maxShellExtra+1)); len(errs) != 1 {
		t.Errorf("more than %d other arguments: %q", maxShellExtra, errs)
	}
}

// unquoteSingle reads a single-quoted literal as PHP, Perl and Template
// Toolkit do: \\ is a backslash, \' a quote, any other backslash itself.
func unquoteSingle(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	var b strings.Builder
	body := s[1 : len(s)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\'' {
			return "", false // the literal would end here
		}
		if c == '\\' && i+1 < len(body) && (body[i+1] == '\\' || body[i+1] == '\'') {
			i++
			c = body[i]
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

func FuzzQuoteSingle(f *testing.F) {
	for _, s := range []string{"", "weeones", `o'k\`, `\'`, `\\'`, "a\nb", "'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := unquoteSingle(quoteSingle(s)); !ok || got != s {
			t.Fatalf("quoteSingle(%q) = %s reads back as %q (%v)", s, quoteSingle(s), got, ok)
		}
		enc := uriEncode(s)
		if dec, err := url.PathUnescape(enc); err != nil || dec != s || strings.ContainsAny(enc, " '\"\\$`;&|<>()") {
			t.Fatalf("uriEncode(%q) = %q", s, enc)
		}
	})
}

func FuzzExtraArgs(f *testing.F) {
	f.Add("api.sort_column=user\nk=v")
	f.Add("=\n\r\n x = y")
	f.Fuzz(func(t *testing.T, text string) {
		args, _ := extraArgs(text)
		for _, a := range args {
			if a.Key == "" || strings.ContainsAny(a.Key, " \t\n") {
				t.Fatalf("key %q from %q", a.Key, text)
			}
		}
	})
}

func TestQuoteTT(t *testing.T) {
	for in, want := range map[string]string{
		"weeones":      `'weeones'`,
		"50%] x":       `'50%' _ '] x'`,
		"%]%]":         `'%' _ ']%' _ ']'`,
		`it's %] \ ok`: `'it\'s %' _ '] \\ ok'`,
	} {
		if got := quoteTT(in); got != want {
			t.Errorf("quoteTT(%q) = %s, want %s", in, got, want)
		}
	}
}
