package uapi

import (
	"net/mail"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Type is the declared type of a parameter. It decides how a raw string is
// checked and normalised before a handler sees it.
type Type int

// Parameter types.
const (
	String   Type = iota // any text (MaxLen and Check may narrow it)
	Int                  // a signed decimal integer
	Bool                 // 0 or 1 (true/false, yes/no, on/off are accepted)
	Enum                 // one of Param.Values
	Domain               // a domain the calling account owns; lower-cased
	Username             // a-z A-Z 0-9 . _ - , at most 64 characters
	RelPath              // a path relative to the home directory
	Email                // an email address
	UnixTime             // seconds since the epoch, not negative
	QuotaMB              // MiB, not negative, or "unlimited" (stored as 0)
	Login                // user or user@domain on one of the caller's domains (Param.Login words it)
)

var typeNames = map[Type]string{
	String: "string", Int: "integer", Bool: "boolean", Enum: "enum",
	Domain: "domain", Username: "username", RelPath: "path", Email: "email",
	UnixTime: "unix time", QuotaMB: "MB quota", Login: "login",
}

// String returns the type's name as documentation shows it.
func (t Type) String() string { return typeNames[t] }

// Param declares one parameter of a function.
type Param struct {
	Name     string
	Type     Type
	Required bool
	Default  string   // used when the caller omits the parameter
	Aliases  []string // other names a caller may use (e.g. "user" for "login")
	Values   []string // allowed values of an Enum
	Multi    bool     // repeated keys (name, name-1, name-2, …) collect into a list
	MaxLen   int      // 0: no limit
	// AllowEmpty lets a required parameter be present but empty
	// (Ftp::set_welcome_message's message); otherwise empty means missing.
	AllowEmpty bool
	Doc        string
	// Missing replaces the generic message when a required parameter is
	// absent, for functions whose cPanel text scripts match on.
	Missing string
	// Check runs after the type check on the normalised value; its error
	// text is shown to the caller.
	Check func(v string) error
	// Login declares how a Login parameter pairs with the function's
	// domain parameter and words its errors; nil takes the defaults.
	Login *LoginRule
}

var (
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
	domainRE   = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
)

// normalize checks a raw value against the declared type and returns the
// canonical form handlers read. Domain ownership is checked by the engine,
// which knows the caller.
func (p *Param) normalize(v string) (string, error) {
	if p.MaxLen > 0 && len(v) > p.MaxLen {
		return "", invalidf("The “%s” parameter must be at most %d characters long.", p.Name, p.MaxLen)
	}
	out, err := p.normalizeType(v)
	if err != nil {
		return "", err
	}
	if p.Check != nil {
		if err := p.Check(out); err != nil {
			return "", err
		}
	}
	return out, nil
}

func (p *Param) normalizeType(v string) (string, error) {
	switch p.Type {
	case Int:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return "", invalidf("The “%s” parameter must be an integer, not “%s”.", p.Name, v)
		}
		return strconv.FormatInt(n, 10), nil
	case UnixTime:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return "", invalidf("The “%s” parameter must be a Unix time (a non-negative integer), not “%s”.", p.Name, v)
		}
		return strconv.FormatInt(n, 10), nil
	case Bool:
		return normalizeBool(p.Name, v)
	case Enum:
		for _, allowed := range p.Values {
			if v == allowed {
				return v, nil
			}
		}
		return "", invalidf("The “%s” parameter must be one of: %s.", p.Name, strings.Join(p.Values, ", "))
	case Domain:
		d := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".")
		if len(d) > 253 || !domainRE.MatchString(d) {
			return "", invalidf("The “%s” parameter must be a valid domain name, not “%s”.", p.Name, v)
		}
		return d, nil
	case Username:
		if len(v) > 64 || !usernameRE.MatchString(v) {
			return "", invalidf("The “%s” parameter may contain only letters, digits, periods, hyphens and underscores, at most 64 characters.", p.Name)
		}
		return v, nil
	case RelPath:
		return normalizeRelPath(p.Name, v)
	case Email:
		return normalizeEmail(p.Name, v)
	case QuotaMB:
		return normalizeQuota(v)
	}
	return v, nil
}

func normalizeBool(name, v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return "1", nil
	case "0", "false", "no", "off", "":
		return "0", nil
	}
	return "", invalidf("The “%s” parameter must be 1 or 0, not “%s”.", name, v)
}

// normalizeRelPath cleans a path below the home directory. Like cPanel it
// drops ".." components rather than failing, and a leading slash means the
// home directory itself, never the file-system root.
func normalizeRelPath(name, v string) (string, error) {
	if strings.ContainsRune(v, 0) {
		return "", invalidf("The “%s” parameter must not contain a NUL character.", name)
	}
	parts := strings.Split(strings.ReplaceAll(v, "\\", "/"), "/")
	kept := parts[:0]
	for _, part := range parts {
		if part != ".." {
			kept = append(kept, part)
		}
	}
	clean := strings.TrimPrefix(path.Clean("/"+strings.Join(kept, "/")), "/")
	return clean, nil
}

func normalizeEmail(name, v string) (string, error) {
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || !strings.Contains(v, "@") {
		return "", invalidf("The “%s” parameter must be a valid email address, not “%s”.", name, v)
	}
	return v, nil
}

func normalizeQuota(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	if s == "unlimited" || s == "" {
		return "0", nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || !(n >= 0 && n <= 1<<40) { // the negation also refuses NaN
		return "", invalidf("The quota must be a number or “unlimited”.")
	}
	return strconv.FormatInt(int64(n+0.5), 10), nil
}
