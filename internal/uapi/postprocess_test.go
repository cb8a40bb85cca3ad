package uapi

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// ftpRecord has the kinds of values list functions return: text, quota
// strings with "unlimited", numbers, addresses and a nullable field.
type ftpRecord struct {
	User      string  `json:"user"`
	Type      string  `json:"type"`
	DiskQuota string  `json:"diskquota"`
	DiskUsed  float64 `json:"diskused"`
	IP        string  `json:"ip"`
	Note      *string `json:"note"`
}

func ptr(s string) *string { return &s }

// ftpRecords is deliberately not in name order.
func ftpRecords() []ftpRecord {
	return []ftpRecord{
		{"carol", "sub", "0", 0, "9.1.1.1", nil},
		{"Eve", "anonymous", "250", 3, "10.0.0.1", nil},
		{"alice", "sub", "100", 5.5, "10.0.0.2", ptr("x")},
		{"dave", "logaccess", "50", 50, "192.168.0.1", ptr("")},
		{"Bob", "main", "unlimited", 20, "10.0.0.10", nil},
	}
}

// mustPostProcess runs the list post-processing on data with CLI-style
// arguments.
func mustPostProcess(tb testing.TB, data any, words ...string) *Result {
	tb.Helper()
	res := newResult()
	res.Data = data
	postProcess(res, mustCLI(tb, words...))
	return res
}

// users returns the user field of every record in res.Data.
func users(tb testing.TB, res *Result) []string {
	tb.Helper()
	tree, err := Generic(res.Data)
	if err != nil {
		tb.Fatal(err)
	}
	out := []string{}
	for _, item := range tree.([]any) {
		out = append(out, item.(map[string]any)["user"].(string))
	}
	return out
}

// metaJSON renders the metadata for comparison.
func metaJSON(tb testing.TB, res *Result) string {
	tb.Helper()
	b, err := json.Marshal(res.Metadata)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

type listCase struct {
	name      string
	args      []string
	wantUsers []string
	wantMeta  string   // metadata as JSON; "" skips the check
	wantMsgs  []string // nil means none
}

func runListCases(t *testing.T, tests []listCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := mustPostProcess(t, ftpRecords(), tt.args...)
			if res.Status != 1 || res.Errors != nil {
				t.Fatalf("status %d errors %q", res.Status, res.Errors)
			}
			if got := users(t, res); !reflect.DeepEqual(got, tt.wantUsers) {
				t.Errorf("users = %q, want %q", got, tt.wantUsers)
			}
			if tt.wantMeta != "" && metaJSON(t, res) != tt.wantMeta {
				t.Errorf("metadata = %s, want %s", metaJSON(t, res), tt.wantMeta)
			}
			if !reflect.DeepEqual(res.Messages, tt.wantMsgs) {
				t.Errorf("messages = %q, want %q", res.Messages, tt.wantMsgs)
			}
		})
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	all := []string{"carol", "Eve", "alice", "dave", "Bob"}
	filtered := `{"records_before_filter":5,"transformed":1}`
	runListCases(t, []listCase{
		{"contains by default, any case", []string{"api.filter_column=user", "api.filter_term=A"}, []string{"carol", "alice", "dave"}, filtered, nil},
		{"contains", []string{"api.filter_column=user", "api.filter_type=contains", "api.filter_term=e"}, []string{"Eve", "alice", "dave"}, filtered, nil},
		{"begins", []string{"api.filter_column=user", "api.filter_type=begins", "api.filter_term=b"}, []string{"Bob"}, filtered, nil},
		{"ends", []string{"api.filter_column=user", "api.filter_type=ends", "api.filter_term=E"}, []string{"Eve", "alice", "dave"}, filtered, nil},
		{"matches", []string{"api.filter_column=user", "api.filter_type=matches", "api.filter_term=%5E(AL%7Cca)"}, []string{"carol", "alice"}, filtered, nil},
		{"type in any case", []string{"api.filter_column=user", "api.filter_type=BEGINS", "api.filter_term=d"}, []string{"dave"}, filtered, nil},
		{"eq text ignores case", []string{"api.filter_column=type", "api.filter_type=eq", "api.filter_term=SUB"}, []string{"carol", "alice"}, filtered, nil},
		{"eq numbers by value", []string{"api.filter_column=diskused", "api.filter_type=eq", "api.filter_term=20.0"}, []string{"Bob"}, filtered, nil},
		{"ne", []string{"api.filter_column=type", "api.filter_type=ne", "api.filter_term=sub"}, []string{"Eve", "dave", "Bob"}, filtered, nil},
		{"lt reads unlimited as 0", []string{"api.filter_column=diskquota", "api.filter_type=lt", "api.filter_term=100"}, []string{"carol", "dave", "Bob"}, filtered, nil},
		{"lt_handle_unlimited", []string{"api.filter_column=diskquota", "api.filter_type=lt_handle_unlimited", "api.filter_term=100"}, []string{"dave"}, filtered, nil},
		{"gt", []string{"api.filter_column=diskquota", "api.filter_type=gt", "api.filter_term=60"}, []string{"Eve", "alice"}, filtered, nil},
		{"gt_handle_unlimited", []string{"api.filter_column=diskquota", "api.filter_type=gt_handle_unlimited", "api.filter_term=60"}, []string{"carol", "Eve", "alice", "Bob"}, filtered, nil},
		{"gt_handle_unlimited with unlimited term", []string{"api.filter_column=diskquota", "api.filter_type=gt_handle_unlimited", "api.filter_term=unlimited"}, []string{}, filtered, nil},
		{"lt on numbers", []string{"api.filter_column=diskused", "api.filter_type=lt", "api.filter_term=5.5"}, []string{"carol", "Eve"}, filtered, nil},
		{"defined", []string{"api.filter_column=note", "api.filter_type=defined"}, []string{"alice", "dave"}, filtered, nil},
		{"undefined", []string{"api.filter_column=note", "api.filter_type=undefined"}, []string{"carol", "Eve", "Bob"}, filtered, nil},
		{"empty term is a no-op", []string{"api.filter_column=user", "api.filter_term="}, all, `{"transformed":1}`, nil},
		{"blank form fields do nothing", []string{"api.filter_column=", "api.filter_type=", "api.filter_term=", "api.sort_column=", "api.sort_reverse="}, all, `{"transformed":1}`, nil},
		{"switch alone does nothing", []string{"api.filter=1"}, all, `{"transformed":1}`, nil},
		{"several filters combine", []string{
			"api.filter_column_1=user", "api.filter_term_1=a",
			"api.filter_column=type", "api.filter_type=eq", "api.filter_term=sub",
			"api.filter_column_0=user", "api.filter_term_0=r"}, []string{"carol"}, filtered, nil},
		{"filters with gaps", []string{"api.filter_column_3=type", "api.filter_type_3=eq", "api.filter_term_3=sub",
			"api.filter_column_7=user", "api.filter_type_7=begins", "api.filter_term_7=A"}, []string{"alice"}, filtered, nil},
		{"no match gives []", []string{"api.filter_column=user", "api.filter_term=zzz"}, []string{}, filtered, nil},
	})
}

func TestFilterMessages(t *testing.T) {
	t.Parallel()
	all := []string{"carol", "Eve", "alice", "dave", "Bob"}
	runListCases(t, []listCase{
		{"unknown type", []string{"api.filter_column=user", "api.filter_type=like", "api.filter_term=x"}, all, `{"transformed":1}`,
			[]string{"The following “filter” arguments are invalid: api.filter_column=user, api.filter_term=x, api.filter_type=like"}},
		{"bad regular expression", []string{"api.filter_column=user", "api.filter_type=matches", "api.filter_term=("}, all, `{"transformed":1}`,
			[]string{"The following “filter” arguments are invalid: api.filter_column=user, api.filter_term=(, api.filter_type=matches"}},
		{"lt needs a number", []string{"api.filter_column=diskused", "api.filter_type=lt", "api.filter_term=ten"}, all, `{"transformed":1}`,
			[]string{"The following “filter” arguments are invalid: api.filter_column=diskused, api.filter_term=ten, api.filter_type=lt"}},
		{"term without column", []string{"api.filter_term_2=x"}, all, `{"transformed":1}`,
			[]string{"The following “filter” arguments are invalid: api.filter_term_2=x"}},
		{"unknown filter key", []string{"api.filter_column_x=user", "api.filter_colour=red"}, all, `{"transformed":1}`,
			[]string{"The following “filter” arguments are invalid: api.filter_colour=red, api.filter_column_x=user"}},
		{"column not in the records", []string{"api.filter_column=shell", "api.filter_type=eq", "api.filter_term=/bin/sh"}, all, `{"transformed":1}`,
			[]string{"The following filter did not pertain to this dataset: shell eq “/bin/sh”"}},
		{"valid filter still runs beside a bad one", []string{"api.filter_column=type", "api.filter_term=sub",
			"api.filter_column_0=home", "api.filter_term_0=x"}, []string{"carol", "alice"}, `{"records_before_filter":5,"transformed":1}`,
			[]string{"The following filter did not pertain to this dataset: home contains “x”"}},
	})
}

func TestSort(t *testing.T) {
	t.Parallel()
	runListCases(t, []listCase{
		{"lexicographic ignores case", []string{"api.sort_column=user"}, []string{"alice", "Bob", "carol", "dave", "Eve"}, `{"transformed":1}`, nil},
		{"reverse", []string{"api.sort_column=user", "api.sort_reverse=1"}, []string{"Eve", "dave", "carol", "Bob", "alice"}, "", nil},
		{"numeric", []string{"api.sort_column=diskused", "api.sort_method=numeric"}, []string{"carol", "Eve", "alice", "Bob", "dave"}, "", nil},
		{"numbers compared as text by default", []string{"api.sort_column=diskused"}, []string{"carol", "Bob", "Eve", "alice", "dave"}, "", nil},
		{"numeric_zero_as_max", []string{"api.sort_column=diskquota", "api.sort_method=numeric_zero_as_max"}, []string{"dave", "alice", "Eve", "carol", "Bob"}, "", nil},
		{"ipv4", []string{"api.sort_column=ip", "api.sort_method=ipv4"}, []string{"carol", "Eve", "alice", "Bob", "dave"}, "", nil},
		{"invalid method is lexicographic", []string{"api.sort_column=user", "api.sort_method=alphabetical"}, []string{"alice", "Bob", "carol", "dave", "Eve"}, "", nil},
		{"stable", []string{"api.sort_column=type"}, []string{"Eve", "dave", "Bob", "carol", "alice"}, "", nil},
		{"two keys", []string{"api.sort_column=type", "api.sort_column_0=user"}, []string{"Eve", "dave", "Bob", "alice", "carol"}, "", nil},
		{"second key reversed", []string{"api.sort_column=type", "api.sort_column_0=user", "api.sort_reverse_0=1"}, []string{"Eve", "dave", "Bob", "carol", "alice"}, "", nil},
		{"first key reversed", []string{"api.sort_column_0=type", "api.sort_reverse_0=yes", "api.sort_column_1=user"}, []string{"alice", "carol", "Bob", "dave", "Eve"}, "", nil},
		{"column not in the records", []string{"api.sort_column=shell", "api.sort_method=numeric", "api.sort_reverse=1"}, []string{"carol", "Eve", "alice", "dave", "Bob"}, "",
			[]string{"The following sort did not pertain to this dataset: !shell, numeric"}},
		{"bad reverse", []string{"api.sort_column=user", "api.sort_reverse=maybe"}, []string{"carol", "Eve", "alice", "dave", "Bob"}, "",
			[]string{"The following “sort” arguments are invalid: api.sort_column=user, api.sort_reverse=maybe"}},
		{"method without column", []string{"api.sort_method=numeric"}, []string{"carol", "Eve", "alice", "dave", "Bob"}, "",
			[]string{"The following “sort” arguments are invalid: api.sort_method=numeric"}},
	})
}

func TestPaginate(t *testing.T) {
	t.Parallel()
	runListCases(t, []listCase{
		{"second page", []string{"api.sort_column=user", "api.paginate_start=3", "api.paginate_size=2"}, []string{"carol", "dave"},
			`{"paginate":{"current_page":2,"results_per_page":2,"start_result":"3","total_pages":3,"total_results":5},"transformed":1}`, nil},
		{"last partial page", []string{"api.paginate_start=5", "api.paginate_size=2"}, []string{"Bob"},
			`{"paginate":{"current_page":3,"results_per_page":2,"start_result":"5","total_pages":3,"total_results":5},"transformed":1}`, nil},
		{"default size", []string{"api.paginate_start=1"}, []string{"carol", "Eve", "alice", "dave", "Bob"},
			`{"paginate":{"current_page":1,"results_per_page":100,"start_result":"1","total_pages":1,"total_results":5},"transformed":1}`, nil},
		{"size alone", []string{"api.paginate_size=2"}, []string{"carol", "Eve"},
			`{"paginate":{"current_page":1,"results_per_page":2,"start_result":"1","total_pages":3,"total_results":5},"transformed":1}`, nil},
		{"start 0 is the first record", []string{"api.paginate_start=0", "api.paginate_size=1"}, []string{"carol"}, "", nil},
		{"page", []string{"api.paginate_page=2", "api.paginate_size=2"}, []string{"alice", "dave"},
			`{"paginate":{"current_page":2,"results_per_page":2,"start_result":"3","total_pages":3,"total_results":5},"transformed":1}`, nil},
		{"start wins over page", []string{"api.paginate_page=2", "api.paginate_start=1", "api.paginate_size=2"}, []string{"carol", "Eve"}, "", nil},
		{"bad values are coerced and reported", []string{"api.paginate_start=abc", "api.paginate_size=0"}, []string{"carol", "Eve", "alice", "dave", "Bob"},
			`{"paginate":{"current_page":1,"results_per_page":100,"start_result":"1","total_pages":1,"total_results":5},"transformed":1}`,
			[]string{"The following “paginate” arguments are invalid: api.paginate_size=0, api.paginate_start=abc"}},
		{"huge values are refused", []string{"api.paginate_start=99999999999", "api.paginate_size=4294967296"}, []string{"carol", "Eve", "alice", "dave", "Bob"}, "",
			[]string{"The following “paginate” arguments are invalid: api.paginate_size=4294967296, api.paginate_start=99999999999"}},
		{"empty values are the defaults", []string{"api.paginate_start=", "api.paginate_size="}, []string{"carol", "Eve", "alice", "dave", "Bob"}, "", nil},
		{"after the filter", []string{"api.filter_column=type", "api.filter_term=sub", "api.paginate_size=1"}, []string{"carol"},
			`{"paginate":{"current_page":1,"results_per_page":1,"start_result":"1","total_pages":2,"total_results":2},"records_before_filter":5,"transformed":1}`, nil},
	})
}

func TestPaginateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    any
		args    []string
		wantErr []string
	}{
		{"start past the end", ftpRecords(), []string{"api.paginate_start=6"},
			[]string{"The start index (6) is larger than the total number of results (5)."}},
		{"page past the end", ftpRecords(), []string{"api.paginate_page=4", "api.paginate_size=2"},
			[]string{"The start index (7) is larger than the total number of results (5)."}},
		{"empty list, first record", []string{}, []string{"api.paginate_start=1"}, nil},
		{"empty list, second record", []string{}, []string{"api.paginate_start=2"},
			[]string{"The start index (2) is larger than the total number of results (0)."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := mustPostProcess(t, tt.data, tt.args...)
			if !reflect.DeepEqual(res.Errors, tt.wantErr) || (res.Status == 0) != (tt.wantErr != nil) {
				t.Fatalf("status %d errors %q, want errors %q", res.Status, res.Errors, tt.wantErr)
			}
			if list, ok := res.Data.([]any); !ok || (tt.wantErr != nil && len(list) != 0) {
				t.Fatalf("data = %#v, want an empty page", res.Data)
			}
		})
	}
}

func TestColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantData string
		wantMeta string
	}{
		{"keep two", []string{"api.columns_1=user", "api.columns_2=type", "api.paginate_size=2"},
			`[{"type":"sub","user":"carol"},{"type":"anonymous","user":"Eve"}]`,
			`{"paginate":{"current_page":1,"results_per_page":2,"start_result":"1","total_pages":3,"total_results":5},"transformed":1}`},
		{"unknown names reported", []string{"api.columns_1=user", "api.columns_2=shell", "api.columns_10=home", "api.paginate_size=1"},
			`[{"user":"carol"}]`,
			`{"invalid_columns":["shell","home"],"paginate":{"current_page":1,"results_per_page":1,"start_result":"1","total_pages":5,"total_results":5},"transformed":1}`},
		{"only unknown names keep the records whole", []string{"api.columns_a=shell", "api.filter_column=user", "api.filter_term=bob", "api.filter_type=eq"},
			`[{"diskquota":"unlimited","diskused":20,"ip":"10.0.0.10","note":null,"type":"main","user":"Bob"}]`,
			`{"invalid_columns":["shell"],"records_before_filter":5,"transformed":1}`},
		{"null values kept", []string{"api.columns_1=note", "api.filter_column=user", "api.filter_term=bob"},
			`[{"note":null}]`, `{"records_before_filter":5,"transformed":1}`},
		{"repeated and empty names", []string{"api.columns_1=user", "api.columns_2=user", "api.columns_3=", "api.filter_column=user", "api.filter_term=bob"},
			`[{"user":"Bob"}]`, `{"records_before_filter":5,"transformed":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := mustPostProcess(t, ftpRecords(), tt.args...)
			data, _ := json.Marshal(res.Data)
			if string(data) != tt.wantData || metaJSON(t, res) != tt.wantMeta || res.Messages != nil {
				t.Fatalf("data %s metadata %s messages %q\nwant data %s metadata %s", data, metaJSON(t, res), res.Messages, tt.wantData, tt.wantMeta)
			}
		})
	}
}

func TestPostProcessScalarList(t *testing.T) {
	t.Parallel()
	data := []string{"b", "a", "c"}
	res := mustPostProcess(t, data, "api.sort_column=x", "api.filter_column=x", "api.filter_term=a", "api.columns_1=x", "api.paginate_size=2")
	got, _ := json.Marshal(res.Data)
	wantMsgs := []string{
		"The following filter did not pertain to this dataset: x contains “a”",
		"The following sort did not pertain to this dataset: x, lexicographic",
	}
	if string(got) != `["b","a"]` || !reflect.DeepEqual(res.Messages, wantMsgs) || res.Metadata["invalid_columns"] != nil {
		t.Fatalf("data %s messages %q metadata %v", got, res.Messages, res.Metadata)
	}
}

func TestPostProcessEmptyList(t *testing.T) {
	t.Parallel()
	res := mustPostProcess(t, []ftpRecord{}, "api.filter_column=user", "api.filter_term=a", "api.sort_column=user", "api.columns_1=user")
	got, _ := json.Marshal(res.Data)
	if string(got) != `[]` || res.Messages != nil || metaJSON(t, res) != `{"records_before_filter":0,"transformed":1}` {
		t.Fatalf("data %s messages %q metadata %s", got, res.Messages, metaJSON(t, res))
	}
}

func TestPostProcessFastPath(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"no arguments", nil},
		{"other arguments", []string{"user=bob", "apifilter_column=user"}},
		{"only switches", []string{"api.filter=1", "api.sort=1", "api.paginate=1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := ftpRecords()
			res := mustPostProcess(t, data, tt.args...)
			if got, ok := res.Data.([]ftpRecord); !ok || &got[0] != &data[0] {
				t.Fatalf("data was converted to %T", res.Data)
			}
			if metaJSON(t, res) != `{"transformed":1}` || res.Messages != nil {
				t.Fatalf("metadata %s messages %q", metaJSON(t, res), res.Messages)
			}
		})
	}
}

// TestPostProcessThroughEngine checks the order filter → sort → page →
// columns on a real call, and that handler messages are kept.
func TestPostProcessThroughEngine(t *testing.T) {
	t.Parallel()
	e := mustEngine(t, nil, &Func{Module: "Ftp", Name: "list_ftp", Handler: func(_ context.Context, c *Call) (any, error) {
		c.AddMessage("From the handler.")
		return ftpRecords(), nil
	}})
	args := mustCLI(t, "api.filter_column=diskquota", "api.filter_type=gt_handle_unlimited", "api.filter_term=60",
		"api.sort_column=user", "api.sort_reverse=1", "api.paginate_start=2", "api.paginate_size=2", "api.columns_1=user", "api.sort_column_0=bogus")
	res := run(t, e, "Ftp", "list_ftp", args)
	data, _ := json.Marshal(res.Data)
	want := `[{"user":"carol"},{"user":"Bob"}]`
	wantMsgs := []string{"From the handler.", "The following sort did not pertain to this dataset: bogus, lexicographic"}
	if string(data) != want || !reflect.DeepEqual(res.Messages, wantMsgs) || res.Status != 1 {
		t.Fatalf("data %s messages %q status %d", data, res.Messages, res.Status)
	}
	wantMeta := `{"paginate":{"current_page":1,"results_per_page":2,"start_result":"2","total_pages":2,"total_results":4},"records_before_filter":5,"transformed":1}`
	if metaJSON(t, res) != wantMeta {
		t.Fatalf("metadata %s\nwant     %s", metaJSON(t, res), wantMeta)
	}
}

func TestPerlNumber(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want float64
	}{
		{"12", 12}, {" 2.34 MB", 2.34}, {"unlimited", 0}, {"", 0}, {"-1.5e2x", -150}, {".5", 0.5}, {"inf", 0}, {"0x10", 0},
	} {
		t.Run(strings.ReplaceAll(tt.in, " ", "_"), func(t *testing.T) {
			t.Parallel()
			if got := perlNumber(tt.in); got != tt.want {
				t.Fatalf("perlNumber(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
