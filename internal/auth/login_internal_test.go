package auth

import "testing"

func TestIdentity(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, want string }{
		{"carol", "carol"},
		{" CAROL ", "carol"},
		{"carol_logs", "carol"},
		{"Carol_LOGS", "carol"},
		{"_logs", "_logs"},
		{"joe@carol.example", "joe@carol.example"},
		{"JOE+carol.example", "joe@carol.example"},
		{"joe+tag@carol.example", "joe@carol.example"},
		{"joe_logs@carol.example", "joe_logs@carol.example"},
		{"anonymous@carol.example", ""},
		{"ftp@carol.example", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := identity(NormaliseLogin(tt.name)); got != tt.want {
				t.Errorf("identity(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}
