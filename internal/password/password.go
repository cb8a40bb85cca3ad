// Package password hashes and verifies passwords in crypt(3) format, the
// format Dovecot's passwd-file, Pure-FTPd and /etc/shadow also read, so the
// hashes uapid stores can be published to other daemons unchanged.
package password

import (
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/GehirnInc/crypt"
	_ "github.com/GehirnInc/crypt/md5_crypt"    // $1$, verify only
	_ "github.com/GehirnInc/crypt/sha256_crypt" // $5$, verify only
	"github.com/GehirnInc/crypt/sha512_crypt"
	"golang.org/x/crypto/bcrypt"
)

// ErrUnsupported is returned by Check for a hash format uapid cannot verify.
var ErrUnsupported = errors.New("password: unsupported hash format")

// Hash returns a SHA512-crypt ("$6$…") hash of plain with a random salt.
func Hash(plain string) (string, error) {
	return sha512_crypt.New().Generate([]byte(plain), nil)
}

// Verify reports whether plain matches hash. It never panics on a malformed
// hash: that simply does not match.
func Verify(hash, plain string) bool {
	ok, err := check(hash, plain)
	return err == nil && ok
}

func check(hash, plain string) (bool, error) {
	switch {
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"), strings.HasPrefix(hash, "$2y$"):
		return bcrypt.CompareHashAndPassword([]byte(hash), []byte(plain)) == nil, nil
	case strings.HasPrefix(hash, "$6$"):
		return verifyWith(crypt.SHA512, hash, plain), nil
	case strings.HasPrefix(hash, "$5$"):
		return verifyWith(crypt.SHA256, hash, plain), nil
	case strings.HasPrefix(hash, "$1$"):
		return verifyWith(crypt.MD5, hash, plain), nil
	}
	return false, ErrUnsupported
}

func verifyWith(c crypt.Crypt, hash, plain string) bool {
	return c.New().Verify(hash, []byte(plain)) == nil
}

// IsHash reports whether s looks like a crypt(3) hash uapid can verify, for
// parameters such as Ftp::add_ftp's pass_hash.
func IsHash(s string) bool {
	_, err := check(s, "")
	return err == nil && len(s) > 12 && !strings.ContainsAny(s, ": \t\r\n")
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
