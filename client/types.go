package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// Quota is a quota or size cPanel sends as a number, or as the string
// "unlimited".
type Quota struct {
	// Value is the number (MB unless the function says otherwise); 0 when
	// Unlimited. It is a float because cPanel computes some MB figures
	// from bytes (Ftp::get_quota can answer 9.5); uapid's are whole.
	Value float64
	// Unlimited is true when cPanel answered "unlimited".
	Unlimited bool
}

// UnmarshalJSON accepts a number, a numeric string, "unlimited" or null.
func (q *Quota) UnmarshalJSON(b []byte) error {
	*q = Quota{}
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	s := string(b)
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	if s == "unlimited" {
		q.Unlimited = true
		return nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("client: quota %s is neither a number nor \"unlimited\"", b)
	}
	q.Value = n
	return nil
}

// MarshalJSON writes the quota as cPanel does: a number or "unlimited".
func (q Quota) MarshalJSON() ([]byte, error) {
	if q.Unlimited {
		return []byte(`"unlimited"`), nil
	}
	return strconv.AppendFloat(nil, q.Value, 'f', -1, 64), nil
}

// String returns the number, or "unlimited".
func (q Quota) String() string {
	if q.Unlimited {
		return "unlimited"
	}
	return strconv.FormatFloat(q.Value, 'f', -1, 64)
}

// Text is a field whose JSON type varies between a number and a string
// (list_pops_with_disk's diskquota: 250, "unlimited" or "∞"). It holds the
// number's digits or the string.
type Text string

// UnmarshalJSON accepts a string, a number or null (the empty Text).
func (t *Text) UnmarshalJSON(b []byte) error {
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("client: %s is neither a string nor a number", b)
		}
		*t = Text(n)
	}
	return nil
}

// form builds the arguments of one call. Optional arguments left at their
// zero value are not sent, so the server applies its own default.
type form url.Values

// str sets k to v unless v is empty.
func (f form) str(k, v string) {
	if v != "" {
		f[k] = []string{v}
	}
}

// always sets k to v, even empty (for arguments such as a welcome message
// that may be cleared).
func (f form) always(k, v string) { f[k] = []string{v} }

// flag sets k to 1 when v is true: for arguments whose default is 0.
func (f form) flag(k string, v bool) {
	if v {
		f[k] = []string{"1"}
	}
}

// bit sets k to 1 or 0, for arguments that must always be given.
func (f form) bit(k string, v bool) {
	f[k] = []string{"0"}
	if v {
		f[k] = []string{"1"}
	}
}

// optBit sets k to 1 or 0 unless v is nil (leave the server's default, or
// the current setting).
func (f form) optBit(k string, v *bool) {
	if v != nil {
		f.bit(k, *v)
	}
}

// optInt sets k unless v is nil.
func (f form) optInt(k string, v *int64) {
	if v != nil {
		f[k] = []string{strconv.FormatInt(*v, 10)}
	}
}

// optTime sets k to v as a Unix time unless v is zero.
func (f form) optTime(k string, v time.Time) {
	if !v.IsZero() {
		f[k] = []string{strconv.FormatInt(v.Unix(), 10)}
	}
}

func (f form) values() url.Values { return url.Values(f) }
