package ftpd

import (
	"fmt"
	"io"
	"os"
	"strings"

	ftpserver "github.com/fclairamb/ftpserverlib"
	"github.com/spf13/afero"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/vfs"
)

// clientDriver is one session's ftpserverlib ClientDriver: the session's
// vfs.Fs, with transfers whose errors speak FTP.
type clientDriver struct {
	*vfs.Fs
}

// GetHandle implements ftpserver.ClientDriverExtentionFileTransfer, so that
// STOR, APPE and RETR go through transferFile. ftpserverlib seeks to the
// REST offset itself.
func (c *clientDriver) GetHandle(name string, flags int, _ int64) (ftpserver.FileTransfer, error) {
	f, err := c.OpenFile(name, flags, 0o666)
	if err != nil {
		return nil, ftpError(err)
	}
	return &transferFile{File: f}, nil
}

// transferFile maps a quota stop to ftpserverlib's ErrStorageExceeded, which
// it answers with 552.
type transferFile struct {
	afero.File
}

// Write implements io.Writer.
func (t *transferFile) Write(p []byte) (int, error) {
	n, err := t.File.Write(p)
	return n, ftpError(err)
}

// ReadFrom passes an upload on to the file, which copies it in large
// chunks under the quota.
func (t *transferFile) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := t.File.(io.ReaderFrom); ok {
		n, err := rf.ReadFrom(r)
		return n, ftpError(err)
	}
	return io.Copy(struct{ io.Writer }{t}, r)
}

// WriteTo passes a download on to the file, which may hand it to the kernel.
func (t *transferFile) WriteTo(w io.Writer) (int64, error) {
	if wt, ok := t.File.(io.WriterTo); ok {
		return wt.WriteTo(w)
	}
	return io.Copy(w, struct{ io.Reader }{t.File})
}

// ftpError maps an error of a file action to its FTP reply through
// replySentinels: ftpserverlib picks the reply code from the sentinel an
// error wraps. An error without a listed code keeps ftpserverlib's reply
// for the command (550 for a file action).
func ftpError(err error) error {
	if sentinel, ok := replySentinels[hosting.ErrorCode(err)]; ok {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	return err
}

// welcomeMessage returns the account's ~/public_ftp/welcome.msg, cut to a
// sane size and stripped of control characters that would break the reply.
// It is read through the home's os.Root, so a symlink cannot make it show
// a file from elsewhere.
func welcomeMessage(home string) string {
	root, err := os.OpenRoot(home)
	if err != nil {
		return ""
	}
	defer root.Close()
	f, err := root.Open("public_ftp/welcome.msg")
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, welcomeMaxBytes))
	clean := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r >= ' ' && r != 0x7f {
			return r
		}
		return -1
	}, strings.ToValidUTF8(string(b), ""))
	return strings.TrimRight(clean, "\n ")
}

var (
	_ ftpserver.ClientDriver                      = (*clientDriver)(nil)
	_ ftpserver.ClientDriverExtentionFileTransfer = (*clientDriver)(nil)
	_ ftpserver.FileTransfer                      = (*transferFile)(nil)
	_ io.WriterTo                                 = (*transferFile)(nil)
)
