package netlimit

import (
	"net"
	"testing"
)

func TestHostOf(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"127.0.0.1:4000", "127.0.0.1"},
		{"[::ffff:192.0.2.7]:21", "192.0.2.7"},
		{"[2001:db8:1:2:aaaa::1]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2:bbbb::9]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:3::1]:443", "2001:db8:1:3::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a, err := net.ResolveTCPAddr("tcp", tt.addr)
			if err != nil {
				t.Fatal(err)
			}
			if got := hostOf(a); got != tt.want {
				t.Errorf("hostOf(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}
