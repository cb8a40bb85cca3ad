package hosting

import "testing"

func TestValidateAccountName(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"bob": true, "b0b": true, "abcdefghijklmnop": true,
		"abcdefghijklmnopq": false, "Bob": false, "1bob": false, "bo_b": false,
		"bo-b": false, "": false, "testing": false, "root": false, "ftp": false,
		"bob@x": false, "../x": false,
	}
	for name, ok := range tests {
		t.Run(name, func(t *testing.T) {
			err := ValidateAccountName(name)
			if (err == nil) != ok {
				t.Errorf("ValidateAccountName(%q) = %v, want ok=%v", name, err, ok)
			}
			if err != nil && ErrorCode(err) != EINVALID {
				t.Errorf("code %q, want %q", ErrorCode(err), EINVALID)
			}
		})
	}
}

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Example.COM", "example.com"},
		{"example.com.", "example.com"},
		{"a-b.c.example", "a-b.c.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"localhost", ""},
		{"-a.com", ""},
		{"a..com", ""},
		{"a.123", ""},
		{"a b.com", ""},
		{"a/b.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeDomain(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Errorf("NormalizeDomain(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
