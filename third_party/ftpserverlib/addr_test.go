package ftpserver

import (
	"fmt"
	"net"
	"testing"
)

// getIPFromRemoteAddrV032 is v0.32.0's getIPFromRemoteAddr (format, split,
// parse), the reference for patch 6's fast path.
func getIPFromRemoteAddrV032(remoteAddr net.Addr) (net.IP, error) {
	if remoteAddr == nil {
		return nil, &ipValidationError{error: "nil remote address"}
	}

	ipAddress, _, err := net.SplitHostPort(remoteAddr.String())
	if err != nil {
		return nil, fmt.Errorf("error parsing remote address: %w", err)
	}

	remoteIP := net.ParseIP(ipAddress)
	if remoteIP == nil {
		return nil, &ipValidationError{error: fmt.Sprintf("invalid remote IP: %v", ipAddress)}
	}

	return remoteIP, nil
}

// TestGetIPFromRemoteAddrMatchesV032: the same IP, and an error in the
// same cases, for every kind of address; reservation keys of an IPv4
// address and its IPv4-mapped form are equal, as their strings were.
func TestGetIPFromRemoteAddrMatchesV032(t *testing.T) {
	addrs := []net.Addr{
		&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7).To4(), Port: 21},
		&net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 21}, // 16-byte form
		&net.TCPAddr{IP: net.ParseIP("2001:db8::1"), Port: 2121},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 21, Zone: "eth0"},
		&net.TCPAddr{Port: 21},
		(*net.TCPAddr)(nil),
		&net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 53},
		&net.UnixAddr{Name: "/tmp/sock", Net: "unix"},
		nil,
	}
	for _, addr := range addrs {
		t.Run(fmt.Sprintf("%#v", addr), func(t *testing.T) {
			want, wantErr := getIPFromRemoteAddrV032(addr)
			got, err := getIPFromRemoteAddr(addr)
			if (err != nil) != (wantErr != nil) || !got.Equal(want) {
				t.Fatalf("got %v, %v; v0.32.0 %v, %v", got, err, want, wantErr)
			}
			if err == nil && reservationKey(got) != reservationKey(want) {
				t.Fatalf("keys %v and %v differ", reservationKey(got), reservationKey(want))
			}
		})
	}

	if reservationKey(net.IPv4(192, 0, 2, 7)) != reservationKey(net.IPv4(192, 0, 2, 7).To4()) {
		t.Error("an IPv4 address and its IPv4-mapped form are different keys")
	}
}

// TestDataConnAddressNoAlloc: the address work of a PASV and of its data
// connection (the client's IP, its reservation key) allocates nothing for
// TCP addresses; v0.32.0 made three allocations per address and one per key.
func TestDataConnAddressNoAlloc(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 40000}
	allocs := testing.AllocsPerRun(100, func() {
		ip, err := getIPFromRemoteAddr(addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = reservationKey(ip)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations, want 0", allocs)
	}
}
