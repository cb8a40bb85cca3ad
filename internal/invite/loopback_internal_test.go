package invite

import "testing"

// Only a relay on this machine may receive invitations without STARTTLS.
func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.0.0.53": true, "::1": true,
		"mail.example": false, "192.0.2.1": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
