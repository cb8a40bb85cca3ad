package usermanager

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// localRE is a Subaccount's user name once lower-cased: the characters
// cPanel allows (letters, digits, ".", "-", "_"), not starting with "." or
// "-", so that user@domain is also a valid email, FTP and Web Disk login.
var localRE = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]{0,63}$`)

// phoneRE is the loose E.164 form cPanel accepts: an optional "+", digits,
// spaces, "#" and "*", and an optional ";ext=NNN".
var phoneRE = regexp.MustCompile(`^\+?[0-9 #*]+(;ext=[0-9]+)?$`)

// normalizeUser lower-cases a user name and checks it.
func normalizeUser(name, v string) (string, error) {
	u := strings.ToLower(v)
	if !localRE.MatchString(u) || strings.Contains(u, "..") || strings.HasSuffix(u, ".") {
		return "", hosting.Errorf(hosting.EINVALID, "Invalid value for “%s”: “%s” must be 1 to 64 letters, digits, periods (.), hyphens (-) and underscores (_), start with a letter, digit or underscore, and neither end in a period nor hold two in a row.", name, v)
	}
	return u, nil
}

// checkRealName refuses the characters cPanel refuses in real_name.
func checkRealName(v string) error {
	if strings.ContainsAny(v, "<>&") {
		return hosting.Errorf(hosting.EINVALID, "The “real_name” parameter may not contain “<”, “>” or “&”.")
	}
	return nil
}

// checkAlternateEmail accepts an empty value or one RFC 5322 address.
func checkAlternateEmail(v string) error {
	if v == "" {
		return nil
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || strings.ContainsAny(v, "\r\n") {
		return hosting.Errorf(hosting.EINVALID, "The “alternate_email” parameter must be a valid email address, not “%s”.", v)
	}
	return nil
}

// checkPhoneNumber accepts an empty value or a loose E.164 number.
func checkPhoneNumber(v string) error {
	if v == "" || phoneRE.MatchString(v) {
		return nil
	}
	return hosting.Errorf(hosting.EINVALID, "The “phone_number” parameter must be a phone number in E.164 form (for example “+15551234567”), not “%s”.", v)
}

// checkAvatarURL accepts an empty value or an https:// URL with a host.
func checkAvatarURL(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || !strings.HasPrefix(v, "https://") {
		return hosting.Errorf(hosting.EINVALID, "The “avatar_url” parameter must be an https:// URL, not “%s”.", v)
	}
	return nil
}

// checkPerms accepts "ro" and "rw", and "0", which cPanel's own
// create_user example sends and which means the default, "rw".
func checkPerms(v string) error {
	switch v {
	case hosting.WebDiskReadOnly, hosting.WebDiskReadWrite, "0":
		return nil
	}
	return hosting.Errorf(hosting.EINVALID, "The “services.webdisk.perms” parameter must be “ro” or “rw”, not “%s”.", v)
}

// normalizePerms maps the accepted spellings onto the two stored values.
func normalizePerms(v string) string {
	if v == hosting.WebDiskReadOnly {
		return v
	}
	return hosting.WebDiskReadWrite
}
