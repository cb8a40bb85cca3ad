package ftpd_test

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// TestAbortDuringDownload sends ABOR while a download is blocked on a data
// connection the client does not read: the server answers 426 then 226,
// closes the data connection, shows the session idle again, and the same
// session's next transfer works. ABOR is read while the transfer runs
// because ftpserverlib runs each transfer command in a goroutine of its own.
func TestAbortDuringDownload(t *testing.T) {
	t.Parallel()
	f, a, _ := mustSessionFixture(t)
	mustWrite(t, filepath.Join(a.HomeDir, "bob", "small.txt"), "small")
	ctrl := mustRawLogin(t, f.addr, "bob@example.com", "bob-pass")
	data := dialPortFrom(t, "127.0.0.1", epsvPort(t, ctrl))
	ctrl.cmd(t, 150, "RETR big.bin")
	f.waitSession(t, a.ID, "a download", isTransfer(hosting.FTPDownload, "big.bin"))

	ctrl.cmd(t, 426, "ABOR")
	ctrl.cmd(t, 226, "")
	_ = data.SetReadDeadline(time.Now().Add(time.Minute)) // a hang becomes a failure
	if got, _ := io.Copy(io.Discard, data); got >= bigFile {
		t.Errorf("the whole file arrived after ABOR")
	}
	f.waitSession(t, a.ID, "the session idle", isTransfer(hosting.FTPIdle, ""))

	data = dialPortFrom(t, "127.0.0.1", epsvPort(t, ctrl))
	ctrl.cmd(t, 150, "RETR small.txt")
	if got, err := io.ReadAll(data); err != nil || string(got) != "small" {
		t.Errorf("the download after ABOR read %q, %v", got, err)
	}
	ctrl.cmd(t, 226, "")
}

// epsvPort asks for a passive port and returns it.
func epsvPort(tb testing.TB, ctrl rawConn) int {
	tb.Helper()
	line := ctrl.cmd(tb, 229, "EPSV")
	var port int
	if _, err := fmt.Sscanf(line[strings.Index(line, "(|||"):], "(|||%d|)", &port); err != nil {
		tb.Fatalf("EPSV reply %q: %v", line, err)
	}
	return port
}
