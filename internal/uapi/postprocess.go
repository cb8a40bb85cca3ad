package uapi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

const (
	// defaultPageSize is the api.paginate_size cPanel uses (SPEC 1.4).
	defaultPageSize = 100
	// maxPageNumber bounds start, size and page so that no arithmetic on
	// them can overflow.
	maxPageNumber = 1 << 30
)

// postProcess applies the generic list transformations of SPEC 1.4 to a
// result whose data is a list: filters, then sorts, then the page, then the
// column selection. Every list answer carries metadata.transformed = 1.
//
// Only requests with api.* arguments pay for converting the handler's typed
// data into the generic tree; all others keep their data untouched.
//
// Where SPEC 1.4 is silent we chose: eq/ne compare numbers by value and
// anything else as text ignoring case; lexicographic sorting ignores case;
// matches uses Go (RE2) syntax; plain lt/gt read values as Perl does
// ("unlimited" is 0); a filter or sort on a column no record has is skipped
// with a message rather than emptying the list; blank form fields are no
// request; api.paginate_page works when no start is given; a start past the
// end is an error except on an empty list; when every api.columns_* name is
// unknown the records stay whole. Invalid arguments are listed as key=value.
func postProcess(res *Result, args Args) {
	res.Metadata["transformed"] = 1
	ops, requested := parseListOps(args)
	if !requested {
		return
	}
	res.Messages = append(res.Messages, ops.invalidMessages()...)
	if ops.empty() {
		return
	}
	tree, err := Generic(res.Data)
	list, ok := tree.([]any)
	if err != nil || !ok {
		// Data the JSON encoder cannot handle will fail the response too;
		// say why the api.* arguments were not applied rather than guess.
		res.Messages = append(res.Messages, "The system could not apply the “api” arguments to this data.")
		return
	}
	res.Data = ops.apply(res, list)
}

// listOps are the api.* requests of one call, parsed and validated.
type listOps struct {
	filters []listFilter
	sorts   []sortKey
	page    *pageRequest
	columns []string
	// invalid holds, per kind ("filter", "sort", "paginate"), the
	// arguments that could not be used, as key=value. (Unknown column
	// names are data, reported in metadata.invalid_columns instead.)
	invalid map[string][]string
}

func (o *listOps) empty() bool {
	return len(o.filters) == 0 && len(o.sorts) == 0 && o.page == nil && len(o.columns) == 0
}

func (o *listOps) addInvalid(kind, key, value string) {
	if o.invalid == nil {
		o.invalid = make(map[string][]string)
	}
	o.invalid[kind] = append(o.invalid[kind], key+"="+value)
}

// invalidMessages words the unusable arguments as SPEC 1.4 does: one
// message per kind, in a fixed order.
func (o *listOps) invalidMessages() []string {
	var out []string
	for _, kind := range []string{"filter", "sort", "paginate"} {
		if bad := o.invalid[kind]; len(bad) > 0 {
			sort.Strings(bad)
			out = append(out, fmt.Sprintf("The following “%s” arguments are invalid: %s", kind, strings.Join(bad, ", ")))
		}
	}
	return out
}

// apply runs the requested steps on list. Filtering, sorting and column
// selection need records (objects); pagination works on any list.
func (o *listOps) apply(res *Result, list []any) []any {
	records := objectColumns(list)
	pertains := func(column string) bool { return len(list) == 0 || records[column] }
	if len(o.filters) > 0 {
		list = o.filter(res, list, pertains)
	}
	if len(o.sorts) > 0 {
		o.sort(res, list, pertains)
	}
	if o.page != nil {
		var err error
		if list, err = o.page.apply(res, list); err != nil {
			res.fail(err.Error())
			return list
		}
	}
	if len(o.columns) > 0 && len(records) > 0 {
		list = o.project(res, list, records)
	}
	return list
}

// objectColumns returns every key found in the records of list, or nil when
// any item is not an object (filters, sorts and columns then pertain to
// nothing).
func objectColumns(list []any) map[string]bool {
	cols := make(map[string]bool)
	for _, item := range list {
		rec, ok := item.(map[string]any)
		if !ok {
			return nil
		}
		for k := range rec {
			cols[k] = true
		}
	}
	return cols
}

// parseListOps reads the api.* arguments. requested reports whether there
// was any api.* key at all, so the common call without them stays cheap.
func parseListOps(args Args) (ops listOps, requested bool) {
	for key := range args {
		if requested = strings.HasPrefix(key, "api."); requested {
			break
		}
	}
	if !requested {
		return ops, false
	}
	filters := make(map[string]map[string]string)
	sorts := make(map[string]map[string]string)
	paginate := make(map[string]string)
	columns := make(map[string]string)
	for key := range args {
		rest, ok := strings.CutPrefix(key, "api.")
		if !ok {
			continue
		}
		value, _ := args.First(key)
		switch {
		case strings.HasPrefix(rest, "filter_"):
			group(&ops, "filter", filters, key, value, []string{"column", "term", "type"})
		case strings.HasPrefix(rest, "sort_"):
			group(&ops, "sort", sorts, key, value, []string{"column", "method", "reverse"})
		case strings.HasPrefix(rest, "paginate_"):
			paginate[strings.TrimPrefix(rest, "paginate_")] = value
		case strings.HasPrefix(rest, "columns_"):
			columns[key] = value
		}
	}
	ops.parseFilters(filters)
	ops.parseSorts(sorts)
	ops.parsePage(paginate)
	ops.parseColumns(columns)
	return ops, true
}

// group files key (api.filter_column_2, …) under its suffix ("" or digits)
// and field name. A key that fits no field or has a non-numeric suffix is
// invalid.
func group(ops *listOps, kind string, groups map[string]map[string]string, key, value string, fields []string) {
	rest := strings.TrimPrefix(key, "api."+kind+"_")
	for _, field := range fields {
		after, ok := strings.CutPrefix(rest, field)
		if !ok {
			continue
		}
		suffix, hasSuffix := strings.CutPrefix(after, "_")
		if after == "" || (hasSuffix && isDigits(suffix)) {
			if groups[suffix] == nil {
				groups[suffix] = make(map[string]string)
			}
			groups[suffix][field] = value
			return
		}
	}
	ops.addInvalid(kind, key, value)
}

func isDigits(s string) bool {
	if s == "" || len(s) > 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// blank reports whether every field of a group is empty, as a web form
// sends its unused filter and sort fields: that is no request at all.
func blank(g map[string]string) bool {
	for _, v := range g {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// orderedSuffixes returns the group suffixes as cPanel applies them: the
// unsuffixed group first, then _0, _1, … in numeric order.
func orderedSuffixes[V any](groups map[string]V) []string {
	keys := sortedKeys(groups)
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := suffixNumber(keys[i]), suffixNumber(keys[j])
		return a < b
	})
	return keys
}

func suffixNumber(s string) int {
	if s == "" {
		return -1
	}
	n, _ := strconv.Atoi(s)
	return n
}

// argKey rebuilds the argument name of a grouped field for messages.
func argKey(kind, field, suffix string) string {
	if suffix == "" {
		return "api." + kind + "_" + field
	}
	return "api." + kind + "_" + field + "_" + suffix
}

// pageRequest is api.paginate_start/_size (and the documented
// api.paginate_page, which cPanel ignores but callers reading the docs
// expect to work: it applies when no start is given).
type pageRequest struct {
	start int // 0-based
	size  int
}

// parsePage reads the api.paginate_* arguments. Any such key asks for
// pagination. Bad values are coerced (start to the first record, size to
// 100) and reported.
func (o *listOps) parsePage(args map[string]string) {
	if len(args) == 0 {
		return
	}
	p := &pageRequest{size: defaultPageSize}
	o.page = p
	for _, name := range sortedKeys(args) {
		v := strings.TrimSpace(args[name])
		n, err := strconv.Atoi(v)
		switch {
		case name != "start" && name != "size" && name != "page":
			o.addInvalid("paginate", "api.paginate_"+name, args[name])
		case v == "":
			// Empty means the default, silently.
		case err != nil || n < 0 || n > maxPageNumber || (n == 0 && name != "start"):
			o.addInvalid("paginate", "api.paginate_"+name, args[name])
		case name == "start" && n > 0:
			p.start = n - 1
		case name == "size":
			p.size = n
		}
	}
	page, err := strconv.Atoi(strings.TrimSpace(args["page"]))
	if err == nil && page > 1 && page <= maxPageNumber && args["start"] == "" {
		p.start = (page - 1) * p.size
	}
}

// apply cuts one page out of list and describes it in metadata.paginate.
// A start past the end is an error (status 0); an empty list is not.
// start_result is a string and the other numbers are integers, as in the
// sample of cPanel's pagination page (docs/api.md).
func (p *pageRequest) apply(res *Result, list []any) ([]any, error) {
	total := len(list)
	res.Metadata["paginate"] = map[string]any{
		"total_results":    total,
		"total_pages":      (total + p.size - 1) / p.size,
		"start_result":     strconv.Itoa(p.start + 1),
		"results_per_page": p.size,
		"current_page":     p.start/p.size + 1,
	}
	if p.start > 0 && p.start >= total {
		return []any{}, fmt.Errorf("The start index (%d) is larger than the total number of results (%d).", p.start+1, total)
	}
	end := min(total, p.start+p.size)
	return list[p.start:end], nil
}

// parseColumns reads api.columns_* in key order (numeric suffixes
// numerically), dropping empty and repeated names.
func (o *listOps) parseColumns(args map[string]string) {
	keys := sortedKeys(args)
	sort.SliceStable(keys, func(i, j int) bool {
		a, aok := strconv.Atoi(strings.TrimPrefix(keys[i], "api.columns_"))
		b, bok := strconv.Atoi(strings.TrimPrefix(keys[j], "api.columns_"))
		return aok == nil && (bok != nil || a < b)
	})
	seen := make(map[string]bool)
	for _, k := range keys {
		name := strings.TrimSpace(args[k])
		if name != "" && !seen[name] {
			seen[name] = true
			o.columns = append(o.columns, name)
		}
	}
}

// project keeps only the requested columns of each record. Names no record
// has go to metadata.invalid_columns; when none of the names is valid the
// records are left whole, since empty objects would tell the caller less.
func (o *listOps) project(res *Result, list []any, columns map[string]bool) []any {
	var valid, invalid []string
	for _, c := range o.columns {
		if columns[c] {
			valid = append(valid, c)
		} else {
			invalid = append(invalid, c)
		}
	}
	if len(invalid) > 0 {
		res.Metadata["invalid_columns"] = invalid
	}
	if len(valid) == 0 {
		return list
	}
	out := make([]any, len(list))
	for i, item := range list {
		rec := item.(map[string]any)
		kept := make(map[string]any, len(valid))
		for _, c := range valid {
			if v, ok := rec[c]; ok {
				kept[c] = v
			}
		}
		out[i] = kept
	}
	return out
}
