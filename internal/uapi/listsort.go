package uapi

import (
	"cmp"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strings"
)

// sortKey is one api.sort_column/_method/_reverse triple.
type sortKey struct {
	column, method string
	reverse        bool
}

// sortMethods are the api.sort_method values; anything else silently
// becomes lexicographic, as in cPanel.
var sortMethods = map[string]bool{
	"lexicographic": true, "numeric": true, "numeric_zero_as_max": true, "ipv4": true,
}

// parseSorts turns the grouped arguments into sort keys, most significant
// first.
func (o *listOps) parseSorts(groups map[string]map[string]string) {
	for _, suffix := range orderedSuffixes(groups) {
		g := groups[suffix]
		if blank(g) {
			continue
		}
		k := sortKey{column: g["column"], method: strings.ToLower(g["method"])}
		if !sortMethods[k.method] {
			k.method = "lexicographic"
		}
		rev, err := normalizeBool("api.sort_reverse", g["reverse"])
		if err != nil || k.column == "" {
			for _, field := range []string{"column", "method", "reverse"} {
				if v, ok := g[field]; ok {
					o.addInvalid("sort", argKey("sort", field, suffix), v)
				}
			}
			continue
		}
		k.reverse = rev == "1"
		o.sorts = append(o.sorts, k)
	}
}

// String describes the key as the "did not pertain" message shows it: a
// leading "!" marks a reversed key.
func (k sortKey) String() string {
	s := k.column + ", " + k.method
	if k.reverse {
		return "!" + s
	}
	return s
}

// sortValue is a record's pre-computed value for one key.
type sortValue struct {
	text string
	num  float64
}

// sort orders list in place by every pertaining key, like SQL's ORDER BY:
// a stable sort, so records equal on every key keep the handler's order.
func (o *listOps) sort(res *Result, list []any, pertains func(string) bool) {
	var keys []sortKey
	for _, k := range o.sorts {
		if pertains(k.column) {
			keys = append(keys, k)
			continue
		}
		res.Messages = append(res.Messages, fmt.Sprintf("The following sort did not pertain to this dataset: %s", k))
	}
	if len(keys) == 0 {
		return
	}
	// Convert every value once rather than on each comparison.
	rows := make([][]sortValue, len(list))
	for i, item := range list {
		rec := item.(map[string]any)
		rows[i] = make([]sortValue, len(keys))
		for j, k := range keys {
			rows[i][j] = k.value(rec[k.column])
		}
	}
	idx := make([]int, len(list))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return compareRows(keys, rows[idx[a]], rows[idx[b]]) < 0 })
	sorted := make([]any, len(list))
	for i, j := range idx {
		sorted[i] = list[j]
	}
	copy(list, sorted)
}

func compareRows(keys []sortKey, a, b []sortValue) int {
	for j, k := range keys {
		c := k.compare(a[j], b[j])
		if k.reverse {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// value converts a generic value for comparison under k's method.
func (k sortKey) value(v any) sortValue {
	s := scalarString(v)
	switch k.method {
	case "numeric":
		return sortValue{num: perlNumber(s)}
	case "numeric_zero_as_max":
		n := perlNumber(s)
		if n == 0 {
			n = math.Inf(1)
		}
		return sortValue{num: n}
	case "ipv4":
		return sortValue{num: ipv4Number(s)}
	}
	return sortValue{text: strings.ToLower(s)}
}

// compare orders two converted values. Lexicographic order ignores case
// (the text was lower-cased by value).
func (k sortKey) compare(a, b sortValue) int {
	if k.method == "lexicographic" {
		return strings.Compare(a.text, b.text)
	}
	return cmp.Compare(a.num, b.num)
}

// ipv4Number orders IPv4 addresses by their octets; anything else sorts
// before every address.
func ipv4Number(s string) float64 {
	addr, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || !addr.Is4() {
		return -1
	}
	b := addr.As4()
	return float64(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
}
