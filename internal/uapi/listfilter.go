package uapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// listFilter is one api.filter_column/_type/_term triple.
type listFilter struct {
	column, typ, term string
	lower             string         // term in lower case, for the string operators
	re                *regexp.Regexp // matches
	bound             float64        // lt, gt and the _handle_unlimited forms
}

// filterTypes are the api.filter_type values (SPEC 1.4); contains is the
// default.
var filterTypes = map[string]bool{
	"contains": true, "begins": true, "ends": true, "matches": true,
	"eq": true, "ne": true, "lt": true, "gt": true,
	"lt_handle_unlimited": true, "gt_handle_unlimited": true,
	"defined": true, "undefined": true,
}

// parseFilters turns the grouped arguments into filters in application
// order. A string filter with an empty term does nothing, as in cPanel.
func (o *listOps) parseFilters(groups map[string]map[string]string) {
	for _, suffix := range orderedSuffixes(groups) {
		g := groups[suffix]
		if blank(g) {
			continue
		}
		f := listFilter{column: g["column"], typ: strings.ToLower(g["type"]), term: g["term"]}
		if f.typ == "" {
			f.typ = "contains"
		}
		if err := f.prepare(); err != nil || f.column == "" {
			for _, field := range []string{"column", "type", "term"} {
				if v, ok := g[field]; ok {
					o.addInvalid("filter", argKey("filter", field, suffix), v)
				}
			}
			continue
		}
		if f.term == "" && f.isStringOp() {
			continue
		}
		o.filters = append(o.filters, f)
	}
}

func (f *listFilter) isStringOp() bool {
	switch f.typ {
	case "contains", "begins", "ends", "matches":
		return true
	}
	return false
}

// prepare validates the type and pre-computes the regular expression or
// the numeric bound.
func (f *listFilter) prepare() error {
	if !filterTypes[f.typ] {
		return fmt.Errorf("unknown filter type %q", f.typ)
	}
	f.lower = strings.ToLower(f.term)
	var err error
	switch f.typ {
	case "matches":
		// RE2 syntax, case-insensitive like the other string operators.
		f.re, err = regexp.Compile("(?i)" + f.term)
	case "lt", "gt":
		var ok bool
		if f.bound, ok = parseNumber(f.term); !ok {
			err = fmt.Errorf("term %q is not a number", f.term)
		}
	case "lt_handle_unlimited", "gt_handle_unlimited":
		var ok bool
		if f.bound, ok = unlimitedNumber(f.term); !ok {
			err = fmt.Errorf("term %q is not a number", f.term)
		}
	}
	return err
}

// filter keeps the records every filter accepts. A filter whose column no
// record has is skipped with a message instead of emptying the list.
func (o *listOps) filter(res *Result, list []any, pertains func(string) bool) []any {
	before := len(list)
	applied := false
	for _, f := range o.filters {
		if !pertains(f.column) {
			res.Messages = append(res.Messages, fmt.Sprintf(
				"The following filter did not pertain to this dataset: %s %s “%s”", f.column, f.typ, f.term))
			continue
		}
		applied = true
		kept := list[:0:0]
		for _, item := range list {
			if f.accepts(item.(map[string]any)) {
				kept = append(kept, item)
			}
		}
		list = kept
	}
	if applied {
		res.Metadata["records_before_filter"] = before
	}
	return list
}

// accepts reports whether rec passes the filter.
func (f *listFilter) accepts(rec map[string]any) bool {
	v, present := rec[f.column]
	switch f.typ {
	case "defined":
		return present && v != nil
	case "undefined":
		return !present || v == nil
	}
	s := scalarString(v)
	switch f.typ {
	case "contains":
		return strings.Contains(strings.ToLower(s), f.lower)
	case "begins":
		return strings.HasPrefix(strings.ToLower(s), f.lower)
	case "ends":
		return strings.HasSuffix(strings.ToLower(s), f.lower)
	case "matches":
		return f.re.MatchString(s)
	case "eq":
		return looselyEqual(s, f.term)
	case "ne":
		return !looselyEqual(s, f.term)
	}
	return f.compare(s)
}

// compare handles lt and gt. The plain forms read a value the way Perl does
// ("unlimited" is 0); the _handle_unlimited forms read "unlimited" and 0 as
// infinity, which is what quota columns mean by them.
func (f *listFilter) compare(s string) bool {
	n := perlNumber(s)
	if strings.HasSuffix(f.typ, "_handle_unlimited") {
		n, _ = unlimitedNumber(s)
	}
	if strings.HasPrefix(f.typ, "lt") {
		return n < f.bound
	}
	return n > f.bound
}

// looselyEqual compares two numbers by value and anything else as text,
// ignoring case: eq is documented for numbers but used for strings too.
func looselyEqual(a, b string) bool {
	if x, ok := parseNumber(a); ok {
		if y, ok := parseNumber(b); ok {
			return x == y
		}
	}
	return strings.EqualFold(a, b)
}

// scalarString is the text form of a generic value that filters and
// lexicographic sorts compare: numbers as written, booleans as 1/0 and null
// as "" (Perl's view of them).
func scalarString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

var (
	numberRE       = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$`)
	numberPrefixRE = regexp.MustCompile(`^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?`)
)

// parseNumber reads s (surrounding space allowed) as a decimal number.
// Unlike strconv.ParseFloat it refuses "inf", "nan" and hexadecimal.
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if !numberRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil || math.IsInf(n, 0)
}

// perlNumber reads s as Perl does in numeric context: the leading number,
// or 0 when there is none ("2.34 MB" is 2.34, "unlimited" is 0).
func perlNumber(s string) float64 {
	if n, ok := parseNumber(s); ok {
		return n
	}
	n, _ := strconv.ParseFloat(numberPrefixRE.FindString(strings.TrimLeft(s, " \t\r\n")), 64)
	return n
}

// unlimitedNumber reads a quota-like value: "unlimited" and 0 are infinity.
// ok is false when s is neither a number nor "unlimited".
func unlimitedNumber(s string) (float64, bool) {
	if strings.EqualFold(strings.TrimSpace(s), "unlimited") {
		return math.Inf(1), true
	}
	n, ok := parseNumber(s)
	if !ok {
		n = perlNumber(s)
	}
	if n == 0 {
		return math.Inf(1), ok
	}
	return n, ok
}
