package uapi

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/uapid/uapid/internal/homedir"
	"github.com/uapid/uapid/internal/hosting"
)

// underHome reads a RelPath value written as an absolute path inside the
// account's home directory, the form list_ftp and Web Disk's API 2 show
// homedirs in, as the same directory relative to the home, so a script can
// hand a listed homedir back. rel is the value normalizeRelPath made of raw,
// which already lies below the home: any other absolute path stays there,
// since a leading slash never reaches the file-system root.
func underHome(acct *hosting.Account, raw, rel string) string {
	if !strings.HasPrefix(raw, "/") {
		return rel
	}
	home := strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(acct.HomeDir)), "/")
	if home == "" || !homedir.Within(rel, home) {
		return rel
	}
	return strings.TrimPrefix(strings.TrimPrefix(rel, home), "/")
}
