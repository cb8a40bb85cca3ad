package mailauth

import "testing"

func TestEntryLine(t *testing.T) {
	t.Parallel()
	base := entry{address: "bob@example.com", hash: "$6$salt$hash", uid: 1001, gid: 1002,
		home: "/home/cp/mail/example.com/bob", quotaMB: 100}
	tests := []struct {
		name    string
		mod     func(e *entry)
		want    string
		wantErr bool
	}{
		{"limited", func(*entry) {},
			"bob@example.com:{SHA512-CRYPT}$6$salt$hash:1001:1002::/home/cp/mail/example.com/bob::userdb_mail=maildir:~ userdb_quota_rule=*:storage=100M\n", false},
		{"unlimited, suspended", func(e *entry) { e.quotaMB, e.nologin = 0, true },
			"bob@example.com:{SHA512-CRYPT}$6$salt$hash:1001:1002::/home/cp/mail/example.com/bob::userdb_mail=maildir:~ userdb_quota_rule=*:storage=0 nologin=y\n", false},
		{"home with a space", func(e *entry) { e.home = "/srv/my homes/cp/mail/example.com/bob" },
			"bob@example.com:{SHA512-CRYPT}$6$salt$hash:1001:1002::/srv/my homes/cp/mail/example.com/bob::userdb_mail=maildir:~ userdb_quota_rule=*:storage=100M\n", false},
		{"colon in home", func(e *entry) { e.home = "/home/a:b" }, "", true},
		{"newline in hash", func(e *entry) { e.hash = "$6$a\nroot" }, "", true},
		{"space in hash", func(e *entry) { e.hash = "$6$a b" }, "", true},
		{"percent in address", func(e *entry) { e.address = "%u@example.com" }, "", true},
		{"empty hash", func(e *entry) { e.hash = "" }, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base
			tt.mod(&e)
			got, err := e.line()
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("line() = %q, %v; want %q (error %v)", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
