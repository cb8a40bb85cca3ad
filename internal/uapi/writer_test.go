package uapi

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/uapid/uapid/internal/hosting"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// checkGolden compares got with testdata/name, or rewrites the file under
// -update.
func checkGolden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		tb.Errorf("%s differs (run go test -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// goldenEngine serves the functions the golden results come from.
func goldenEngine(tb testing.TB) *Engine {
	tb.Helper()
	return mustEngine(tb, nil,
		&Func{Module: "Ftp", Name: "list_ftp", Handler: func(context.Context, *Call) (any, error) { return ftpRecords(), nil }},
		&Func{Module: "Ftp", Name: "get_ftp_daemon_info", Handler: func(context.Context, *Call) (any, error) {
			type supports struct {
				Quota              int `json:"quota"`
				LoginWithoutDomain int `json:"login_without_domain"`
			}
			return struct {
				Name     string   `json:"name"`
				Enabled  int      `json:"enabled"`
				Supports supports `json:"supports"`
			}{"pure-ftpd", 1, supports{1, 0}}, nil
		}},
		&Func{Module: "Ftp", Name: "ftp_exists", Params: []Param{{Name: "user", Required: true}},
			Handler: func(_ context.Context, c *Call) (any, error) {
				return nil, hosting.Errorf(hosting.ENOTFOUND, "The FTP account “%s” at domain “%s” does not exist.", c.String("user"), c.Domain("domain"))
			}},
		// Test::values returns every kind of value a writer must keep apart.
		&Func{Module: "Test", Name: "values", Handler: func(context.Context, *Call) (any, error) {
			return map[string]any{
				"int": 1, "string_int": "1", "float": 2.5, "string_float": "2.50", "big": json.Number("12345678901234567890"),
				"true": true, "string_true": "true", "null": nil, "string_null": "~", "empty": "", "empty_list": []string{},
				"empty_object": map[string]any{}, "list_of_lists": [][]int{{1, 2}, {3}}, "multiline": "line 1\nline 2",
				"markup": `<a href="x">&amp;</a>`, "colon": "a: b", "unicode": "Ünïcödé ☃", "1st": "key starts with a digit",
				"odd key/with spaces": "x", "xmlish": "reserved prefix", "": "empty key", "control": "bell\a",
			}, nil
		}},
	)
}

// goldenResults are the results every output form is checked with.
func goldenResults(tb testing.TB) map[string]*Result {
	tb.Helper()
	e := goldenEngine(tb)
	return map[string]*Result{
		"success": run(tb, e, "Ftp", "get_ftp_daemon_info", nil),
		"failure": run(tb, e, "Ftp", "ftp_exists", Args{"user": {"bob"}}),
		"list": run(tb, e, "Ftp", "list_ftp", mustCLI(tb, "api.filter_column=type", "api.filter_type=ne", "api.filter_term=main",
			"api.sort_column=user", "api.paginate_size=3", "api.columns_1=user", "api.columns_2=diskquota", "api.columns_3=note", "api.columns_4=shell")),
		"values": run(tb, e, "Test", "values", nil),
	}
}

func TestWriteResultGolden(t *testing.T) {
	t.Parallel()
	results := goldenResults(t)
	for _, name := range []string{"success", "failure", "list"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := WriteResult(&buf, results[name]); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "bare_"+name+".golden", buf.Bytes())
		})
	}
}

func TestWriteWrappedGolden(t *testing.T) {
	t.Parallel()
	results := goldenResults(t)
	for _, name := range []string{"success", "failure", "list", "values"} {
		for _, format := range Formats() {
			t.Run(name+"/"+format, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				if err := WriteWrapped(&buf, format, Wrap("Ftp", "call", results[name])); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, "wrapped_"+name+"."+format+".golden", buf.Bytes())
			})
		}
	}
}

func TestWriteWrappedUnknownFormat(t *testing.T) {
	t.Parallel()
	err := WriteWrapped(io.Discard, "toml", Wrap("Ftp", "x", newResult()))
	if err == nil || !strings.Contains(err.Error(), "json, jsonpretty, yaml, xml") {
		t.Fatalf("error = %v, want the list of formats", err)
	}
}

// TestWrappedFormatsAgree decodes every format back and compares it with
// the compact JSON: no value may change type or text on the way.
func TestWrappedFormatsAgree(t *testing.T) {
	t.Parallel()
	for name, res := range goldenResults(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wr := Wrap("Ftp", "call", res)
			want := decodeJSON(t, mustWrite(t, "json", wr))
			if got := decodeJSON(t, mustWrite(t, "jsonpretty", wr)); !reflect.DeepEqual(got, want) {
				t.Errorf("jsonpretty decodes to %v, want %v", got, want)
			}
			if got := decodeYAML(t, mustWrite(t, "yaml", wr)); !reflect.DeepEqual(got, want) {
				t.Errorf("yaml decodes to\n%#v\nwant\n%#v", got, want)
			}
			checkWellFormedXML(t, mustWrite(t, "xml", wr))
		})
	}
}

func mustWrite(tb testing.TB, format string, wr *Wrapped) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteWrapped(&buf, format, wr); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// decodeJSON reads b into a tree whose numbers are their text, tagged so
// "1" and 1 stay apart.
func decodeJSON(tb testing.TB, b []byte) any {
	tb.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("%v in %s", err, b)
	}
	return tagNumbers(v)
}

func decodeYAML(tb testing.TB, b []byte) any {
	tb.Helper()
	if !bytes.HasPrefix(b, []byte("---\n")) {
		tb.Fatalf("yaml does not start with ---: %s", b)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		tb.Fatalf("%v in %s", err, b)
	}
	return yamlTree(tb, n.Content[0])
}

type number string

func tagNumbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		return number(v)
	case []any:
		for i := range v {
			v[i] = tagNumbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = tagNumbers(v[k])
		}
	}
	return v
}

// yamlTree converts a decoded node the way decodeJSON converts JSON,
// keeping number literals as written.
func yamlTree(tb testing.TB, n *yaml.Node) any {
	tb.Helper()
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i < len(n.Content); i += 2 {
			m[n.Content[i].Value] = yamlTree(tb, n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, yamlTree(tb, c))
		}
		return l
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		return n.Value == "true"
	case "!!int", "!!float":
		return number(n.Value)
	case "!!str":
		return n.Value
	}
	tb.Fatalf("unexpected yaml tag %s for %q", n.ShortTag(), n.Value)
	return nil
}

func checkWellFormedXML(tb testing.TB, b []byte) {
	tb.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			return
		} else if err != nil {
			tb.Fatalf("xml not well-formed: %v\n%s", err, b)
		}
	}
}

func TestXMLName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ key, want string }{
		{"user", "user"}, {"full_username", "full_username"}, {"a.b-c", "a.b-c"}, {"1st", "_1st"}, {"-x", "_-x"},
		{"", "_"}, {"a b/c", "a_b_c"}, {"ns:tag", "ns_tag"}, {"XMLthing", "_XMLthing"}, {"ünï", "_n_"},
	} {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			if got := xmlName(tt.key); got != tt.want {
				t.Fatalf("xmlName(%q) = %q, want %q", tt.key, got, tt.want)
			}
		})
	}
}

func TestDecodeResult(t *testing.T) {
	t.Parallel()
	for name, res := range goldenResults(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var body bytes.Buffer
			if err := WriteResult(&body, res); err != nil {
				t.Fatal(err)
			}
			got, err := DecodeResult(body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, format := range Formats() {
				local, remote := mustWrite(t, format, Wrap("Ftp", "call", res)), mustWrite(t, format, Wrap("Ftp", "call", got))
				if !bytes.Equal(local, remote) {
					t.Errorf("%s differs after the HTTP round trip:\n%s\nvs\n%s", format, local, remote)
				}
			}
		})
	}
}

func TestDecodeResultErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, body string }{
		{"not JSON", `<html>`},
		{"not an object", `[1]`},
		{"no status", `{"data":null}`},
		{"trailing data", `{"status":1} x`},
		{"status not a number", `{"status":"1"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := DecodeResult([]byte(tt.body)); err == nil {
				t.Fatalf("DecodeResult(%s) succeeded", tt.body)
			}
		})
	}
}

func TestDecodeResultKeepsShape(t *testing.T) {
	t.Parallel()
	got, err := DecodeResult([]byte(`{"status":0,"errors":[],"data":{"n":1.50,"s":"1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{Status: 0, Errors: []string{}, Metadata: map[string]any{},
		Data: map[string]any{"n": json.Number("1.50"), "s": "1"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}
