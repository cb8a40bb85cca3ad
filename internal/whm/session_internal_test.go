package whm

import "testing"

// TestWithHost: the login URL's host is replaced and its port kept, also
// when the base names no port (the bug: "https://panel.example:/cpsess…").
func TestWithHost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, host, want string }{
		{"https://host.test:2083", "panel.example", "https://panel.example:2083"},
		{"https://host.test:2083", "2001:db8::1", "https://[2001:db8::1]:2083"},
		{"https://host.test", "panel.example", "https://panel.example"},
		{"https://host.test", "192.0.2.7", "https://192.0.2.7"},
		{"https://host.test", "2001:db8::1", "https://[2001:db8::1]"},
		{"https://[2001:db8::2]/", "panel.example", "https://panel.example/"},
		{"https://[2001:db8::2]:2083/", "2001:db8::1", "https://[2001:db8::1]:2083/"},
	} {
		t.Run(tc.base+" "+tc.host, func(t *testing.T) {
			if got := withHost(tc.base, tc.host); got != tc.want {
				t.Errorf("withHost(%q, %q) = %q, want %q", tc.base, tc.host, got, tc.want)
			}
		})
	}
}
