package email

import "testing"

func TestHumanBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int64
		want string
	}{
		{1, "1 byte"},
		{483, "483 bytes"},
		{1023, "1023 bytes"},
		{1024, "1 KB"},
		{1536, "1.5 KB"},
		{2400, "2.34 KB"},
		{1<<20 - 1, "1 MB"}, // 1023.999 KB rounds to 1024: one unit up
		{2453667, "2.34 MB"},
		{250 << 20, "250 MB"},
		{5 << 30, "5 GB"},
		{3 << 40, "3 TB"},
	}
	for _, tt := range tests {
		want := tt.want[:len(tt.want)-len(unit(tt.want))-1] + nbsp + unit(tt.want)
		if got := humanBytes(tt.n); got != want {
			t.Errorf("humanBytes(%d) = %q, want %q", tt.n, got, want)
		}
	}
}

// unit returns the last word of s.
func unit(s string) string {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ' ' {
			return s[i+1:]
		}
	}
	return s
}

func TestCompileRegex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, subject string
		want          bool
	}{
		{"info", "info@example.com", true},
		{"/^info$/", "info", true},
		{"/^info$/", "/^info$/", false},
		{"/INFO/i", "info", true},
		{"/INFO/", "info", false},
		{"a/b", "a/b", true},
		{"/", "/", true},
	}
	for _, tt := range tests {
		re, err := compileRegex(tt.expr)
		if err != nil {
			t.Errorf("compileRegex(%q): %v", tt.expr, err)
			continue
		}
		if got := re.MatchString(tt.subject); got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.expr, tt.subject, got, tt.want)
		}
	}
	for _, bad := range []string{"(", "/(/", "[a-"} {
		if _, err := compileRegex(bad); err == nil {
			t.Errorf("compileRegex(%q) accepted", bad)
		}
	}
}

func TestValidateLocalPart(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "info", "first.last", "a_b-c", "_x", "9lives", string(make64('a'))} {
		if err := validateLocalPart(ok, "example.com"); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "cpanel", ".a", "-a", "a.", "a..b", "a b", "a+b", "a/b", "A", "a:b", "a%b", "ü", string(make64('a')) + "a"} {
		if err := validateLocalPart(bad, "example.com"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func make64(c byte) []byte {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return b
}
