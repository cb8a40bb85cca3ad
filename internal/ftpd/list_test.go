package ftpd_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jlaffaye/ftp"

	"github.com/uapid/uapid/internal/ftpd"
)

// TestListLargeDirectory lists a directory whose listing is several times
// the data connection's buffer, with each listing command, over plain FTP
// and TLS, on a shared passive port and on a listener of its own: every
// name comes through once and in full.
func TestListLargeDirectory(t *testing.T) {
	t.Parallel()
	serverTLS, clientTLS := mustTLS(t)
	ports := freeConsecutivePorts(t, 2)
	cases := []struct {
		name string
		cfg  ftpd.Config
		opts []ftp.DialOption
	}{
		{"MLSD", ftpd.Config{}, nil},
		{"LIST", ftpd.Config{}, []ftp.DialOption{ftp.DialWithDisabledMLSD(true)}},
		{"MLSD shared passive port", ftpd.Config{PassivePortRange: fmt.Sprintf("%d-%d", ports[0], ports[1])}, nil},
		{"MLSD over TLS", ftpd.Config{TLS: serverTLS}, []ftp.DialOption{ftp.DialWithExplicitTLS(clientTLS)}},
		{"LIST over TLS", ftpd.Config{TLS: serverTLS},
			[]ftp.DialOption{ftp.DialWithExplicitTLS(clientTLS), ftp.DialWithDisabledMLSD(true)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := mustServer(t, tc.cfg, lenientLimits())
			a := f.mustAccount(t, "cpuser", "main-pass", "example.com")
			f.mustFTPAccount(t, a, "bob", "example.com", "bob-pass", "bob", 0)
			want := mustManyFiles(t, filepath.Join(a.HomeDir, "bob", "many"), 2500)
			c := mustLogin(t, f.addr, "bob@example.com", "bob-pass", tc.opts...)
			if got := mustList(t, c, "many"); !slices.Equal(got, want) {
				t.Errorf("listed %d names, want %d (first %v)", len(got), len(want), got[:min(3, len(got))])
			}
			names, err := c.NameList("many")
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != len(want) {
				t.Errorf("NLST gave %d names, want %d", len(names), len(want))
			}
			// The data connection after a listing still carries a file.
			mustStor(t, c, "after.txt", "after the listing")
			if got := mustRetr(t, c, "after.txt"); got != "after the listing" {
				t.Errorf("read back %q", got)
			}
		})
	}
}

// mustManyFiles makes n files with long names in dir and returns their
// names, sorted.
func mustManyFiles(tb testing.TB, dir string, n int) []string {
	tb.Helper()
	mustMkdir(tb, dir, 0o755)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("a-rather-long-file-name-for-the-listing-%05d.html", i)
		if err := os.WriteFile(filepath.Join(dir, names[i]), []byte("x"), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	slices.Sort(names)
	return names
}
