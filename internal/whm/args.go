package whm

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/hosting"
)

// args reads a call's parameters and collects every problem with them, so
// that one answer names every missing or bad parameter.
type args struct {
	v    url.Values
	errs []string
}

// first returns the value of the first of names that is present.
func (a *args) first(names ...string) (string, bool) {
	for _, n := range names {
		if vs, ok := a.v[n]; ok && len(vs) > 0 {
			return vs[0], true
		}
	}
	return "", false
}

// required returns a non-empty parameter, the first name being its own and
// the others aliases.
func (a *args) required(names ...string) string {
	v, _ := a.first(names...)
	if strings.TrimSpace(v) == "" {
		a.errs = append(a.errs, fmt.Sprintf("Missing parameter “%s”.", names[0]))
	}
	return v
}

// optional returns a parameter or def.
func (a *args) optional(def string, names ...string) string {
	if v, ok := a.first(names...); ok {
		return v
	}
	return def
}

// bad records a parameter whose value cannot be used.
func (a *args) bad(name, why string) {
	a.errs = append(a.errs, fmt.Sprintf("Invalid parameter “%s”: %s", name, why))
}

// boolean reads a 0/1 parameter.
func (a *args) boolean(def bool, name string) bool {
	v, ok := a.first(name)
	switch {
	case !ok || v == "":
		return def
	case v == "1":
		return true
	case v == "0":
		return false
	}
	a.bad(name, "use 1 or 0.")
	return def
}

// quota reads a disk quota in MiB: a whole number from 0 to 999999 or
// "unlimited" (0 and unlimited both mean none). set reports whether the
// parameter was given.
func (a *args) quota(names ...string) (mb int64, set bool) {
	v, ok := a.first(names...)
	if !ok || v == "" {
		return 0, false
	}
	if strings.EqualFold(v, "unlimited") {
		return 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > 999999 {
		a.bad(names[0], "use a whole number of megabytes from 0 to 999999, or unlimited.")
		return 0, true
	}
	return n, true
}

// unixTime reads a Unix time; 0 or absence is nil.
func (a *args) unixTime(name string) *time.Time {
	v, ok := a.first(name)
	if !ok || v == "" || v == "0" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		a.bad(name, "use a Unix time in seconds.")
		return nil
	}
	t := time.Unix(n, 0).UTC()
	return &t
}

// refuse records a parameter uapid does not implement, so a caller never
// believes it took effect.
func (a *args) refuse(name, why string) {
	if v, ok := a.first(name); ok && v != "" && v != "0" {
		a.bad(name, why)
	}
}

// numbered returns the values of name, name-0, name-1, … (WHM's way of
// passing a list).
func (a *args) numbered(name string) []string {
	var out []string
	out = append(out, a.v[name]...)
	for i := 0; ; i++ {
		vs, ok := a.v[fmt.Sprintf("%s-%d", name, i)]
		if !ok {
			if i == 0 {
				continue // lists may start at 1
			}
			break
		}
		out = append(out, vs...)
	}
	return out
}

// err returns the collected problems as one invalid-argument error.
func (a *args) err() error {
	if len(a.errs) == 0 {
		return nil
	}
	return hosting.Errorf(hosting.EINVALID, "%s", strings.Join(a.errs, " "))
}
