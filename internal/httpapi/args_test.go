package httpapi_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/httpapi"
)

// multipartForm encodes key, value pairs as multipart/form-data.
func multipartForm(tb testing.TB, kv ...string) (body *bytes.Buffer, contentType string) {
	tb.Helper()
	body = &bytes.Buffer{}
	mw := multipart.NewWriter(body)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := mw.WriteField(kv[i], kv[i+1]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return body, "Content-Type: " + mw.FormDataContentType()
}

// Every way of sending the same arguments must give the same answer.
func TestArgsEquivalence(t *testing.T) {
	e := mustEnv(t, nil)
	const want = `{"data":{"name":"a b&c","count":3,"flag":true,"items":["x","y"]},"errors":null,"messages":null,"metadata":{},"status":1,"warnings":null}`
	mp, mpType := multipartForm(t, "name", "a b&c", "count", "3", "flag", "1", "item", "x", "item-1", "y")
	tests := []struct {
		name, method, query string
		body                *strings.Reader
		bodyBytes           *bytes.Buffer
		header              string
	}{
		{name: "query", method: "GET", query: "?name=a%20b%26c&count=3&flag=1&item=x&item-1=y"},
		{name: "form", method: "POST", body: strings.NewReader("name=a+b%26c&count=3&flag=1&item=x&item-1=y"), header: formType},
		{name: "form without Content-Type", method: "POST", body: strings.NewReader("name=a+b%26c&count=3&flag=1&item=x&item-1=y")},
		{name: "form and query merged", method: "POST", query: "?name=a%20b%26c&item=x", body: strings.NewReader("count=3&flag=1&item=y"), header: formType},
		{name: "multipart", method: "POST", bodyBytes: mp, header: mpType},
		{name: "json", method: "POST", body: strings.NewReader(`{"name":"a b&c","count":3,"flag":true,"item":["x","y"]}`), header: "Content-Type: application/json"},
		{name: "json with charset and query", method: "POST", query: "?count=3", body: strings.NewReader(`{"name":"a b&c","flag":"1","item":["x","y"]}`), header: "Content-Type: application/json; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{demoBasic()}
			if tt.header != "" {
				headers = append(headers, tt.header)
			}
			var r response
			switch {
			case tt.body != nil:
				r = e.do(t, tt.method, "/execute/Test/echo"+tt.query, tt.body, headers...)
			case tt.bodyBytes != nil:
				r = e.do(t, tt.method, "/execute/Test/echo"+tt.query, tt.bodyBytes, headers...)
			default:
				r = e.do(t, tt.method, "/execute/Test/echo"+tt.query, nil, headers...)
			}
			r.wantStatus(t, http.StatusOK)
			if string(r.body) != want {
				t.Errorf("body =\n%s\nwant\n%s", r.body, want)
			}
		})
	}
}

// A key in the query and the body: the query's value is first.
func TestArgsQueryBeforeBody(t *testing.T) {
	e := mustEnv(t, nil)
	r := e.do(t, "POST", "/execute/Test/echo?name=fromquery&item=q", strings.NewReader("name=frombody&item=b"),
		demoBasic(), formType).wantStatus(t, http.StatusOK)
	if !strings.Contains(string(r.body), `"name":"fromquery"`) || !strings.Contains(string(r.body), `"items":["q","b"]`) {
		t.Errorf("body = %s", r.body)
	}
}

func TestArgsNestedJSON(t *testing.T) {
	e := mustEnv(t, nil)
	body := `{"name":"x","services":{"ftp":{"enabled":1}}}`
	e.do(t, "POST", "/execute/Test/echo", strings.NewReader(body), demoBasic(), "Content-Type: application/json").
		wantStatus(t, http.StatusOK).wantError(t, "Test::echo does not expect nested data structures.")
	r := e.do(t, "POST", "/execute/Test/nested", strings.NewReader(body), demoBasic(), "Content-Type: application/json").
		wantStatus(t, http.StatusOK)
	if res := r.result(t); res.Status != 1 || !strings.Contains(string(r.body), `"data":{"ftp.enabled":"1"}`) {
		t.Fatalf("nested call = %s", r.body)
	}
}

func TestArgsBadBody(t *testing.T) {
	e := mustEnv(t, func(c *httpapi.Config) { c.MaxBodyBytes = 1 << 10 })
	big := "name=" + strings.Repeat("x", 2<<10)
	mp, mpType := multipartForm(t, "name", strings.Repeat("x", 2<<10))
	tests := []struct {
		name   string
		query  string
		body   *bytes.Buffer
		header string
		code   int
		msg    string
	}{
		{"form too large", "", bytes.NewBufferString(big), formType, http.StatusRequestEntityTooLarge,
			"The request body is larger than the limit of 1 KiB."},
		{"json too large", "", bytes.NewBufferString(`{"name":"` + strings.Repeat("x", 2<<10) + `"}`),
			"Content-Type: application/json", http.StatusRequestEntityTooLarge, "The request body is larger than the limit of 1 KiB."},
		{"multipart too large", "", mp, mpType, http.StatusRequestEntityTooLarge,
			"The request body is larger than the limit of 1 KiB."},
		{"not JSON", "", bytes.NewBufferString(`name=x`), "Content-Type: application/json", http.StatusBadRequest, ""},
		{"JSON array", "", bytes.NewBufferString(`["x"]`), "Content-Type: application/json", http.StatusBadRequest, ""},
		{"bad form encoding", "", bytes.NewBufferString("name=%zz"), formType, http.StatusBadRequest,
			"The request body is not valid URL encoding."},
		{"bad query encoding", "?name=%zz", bytes.NewBufferString(""), formType, http.StatusBadRequest,
			"The query string is not valid URL encoding."},
		{"unsupported type", "", bytes.NewBufferString("name=x"), "Content-Type: text/plain", http.StatusUnsupportedMediaType,
			"The Content-Type “text/plain” is not supported: send application/x-www-form-urlencoded, multipart/form-data or application/json."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", "/execute/Test/echo"+tt.query, tt.body, demoBasic(), tt.header).wantStatus(t, tt.code)
			if tt.msg != "" {
				r.wantError(t, tt.msg)
			} else if r.result(t).Status != 0 {
				t.Fatalf("body = %s", r.body)
			}
		})
	}
}
