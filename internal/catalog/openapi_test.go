package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/uapid/uapid/internal/uapi"
)

// loadOpenAPI encodes the registry's description as the server sends it
// and reads it back with an independent OpenAPI 3 implementation.
func loadOpenAPI(t *testing.T, reg *uapi.Registry) *openapi3.T {
	t.Helper()
	b, err := json.Marshal(reg.OpenAPI("test"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("the description does not load as OpenAPI 3: %v", err)
	}
	return doc
}

// TestOpenAPIIsValid checks the document against the OpenAPI 3 rules
// (structure, references, schemas, defaults against their schemas).
func TestOpenAPIIsValid(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t, Registry(Deps{}))
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI 3: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for _, name := range []string{"BasicAuth", "CpanelToken"} {
		if doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("no security scheme %s", name)
		}
	}
	result := doc.Components.Schemas["Result"]
	if result == nil {
		t.Fatal("no Result schema")
	}
	for _, f := range []string{"data", "errors", "messages", "metadata", "status", "warnings"} {
		if result.Value.Properties[f] == nil || !slices.Contains(result.Value.Required, f) {
			t.Errorf("Result lacks the required field %s", f)
		}
	}
}

// TestOpenAPIMatchesRegistry checks that the description has exactly the
// registered functions, each with its declared parameters.
func TestOpenAPIMatchesRegistry(t *testing.T) {
	t.Parallel()
	reg := Registry(Deps{})
	doc := loadOpenAPI(t, reg)
	want := map[string]bool{}
	for _, m := range reg.Modules() {
		for _, f := range reg.Funcs(m) {
			path := "/execute/" + m + "/" + f.Name
			want[path] = true
			t.Run(m+"::"+f.Name, func(t *testing.T) {
				item := doc.Paths.Value(path)
				if item == nil || item.Get == nil || item.Post == nil {
					t.Fatalf("%s has no GET and POST", path)
				}
				checkOperation(t, f, item)
			})
		}
	}
	for path := range doc.Paths.Map() {
		if !want[path] {
			t.Errorf("%s is described but not registered", path)
		}
	}
}

func checkOperation(t *testing.T, f *uapi.Func, item *openapi3.PathItem) {
	t.Helper()
	if got := item.Get.Extensions["x-uapid-readonly"]; got != f.ReadOnly {
		t.Errorf("x-uapid-readonly = %v, want %v", got, f.ReadOnly)
	}
	var query []*openapi3.Parameter
	for _, ref := range item.Get.Parameters {
		if ref.Ref == "" {
			query = append(query, ref.Value)
		} else if f.Returns != "list" {
			t.Errorf("a function that returns %s takes %s", f.Returns, ref.Ref)
		}
	}
	if len(query) != len(f.Params) {
		t.Fatalf("%d query parameters, %d declared", len(query), len(f.Params))
	}
	form := item.Post.RequestBody.Value.Content.Get("application/x-www-form-urlencoded").Schema.Value
	for i := range f.Params {
		p := &f.Params[i]
		q := query[i]
		if q.Name != p.Name || q.In != "query" || q.Required != p.Required {
			t.Errorf("parameter %d is %s in %s required %v, want %s in query required %v",
				i, q.Name, q.In, q.Required, p.Name, p.Required)
		}
		checkSchema(t, p, q.Schema.Value)
		if prop := form.Properties[p.Name]; prop == nil {
			t.Errorf("the form body lacks %s", p.Name)
		} else {
			checkSchema(t, p, prop.Value)
		}
		if slices.Contains(form.Required, p.Name) != p.Required {
			t.Errorf("the form body's required list and %s's declaration differ", p.Name)
		}
	}
}

// checkSchema compares a parameter's schema with its declaration: type,
// enum values, default and length limit.
func checkSchema(t *testing.T, p *uapi.Param, s *openapi3.Schema) {
	t.Helper()
	if p.Multi {
		if !s.Type.Is("array") {
			t.Errorf("%s: repeatable parameter has type %v", p.Name, s.Type)
			return
		}
		s = s.Items.Value
	}
	wantType := map[uapi.Type]string{uapi.Int: "integer", uapi.UnixTime: "integer", uapi.Bool: "integer"}[p.Type]
	if wantType == "" {
		wantType = "string"
	}
	if !s.Type.Is(wantType) {
		t.Errorf("%s (%s): schema type %v, want %s", p.Name, p.Type, s.Type, wantType)
	}
	var enum []string
	for _, v := range s.Enum {
		enum = append(enum, fmt.Sprint(v))
	}
	wantEnum := p.Values
	if p.Type == uapi.Bool {
		wantEnum = []string{"0", "1"}
	}
	if !slices.Equal(enum, wantEnum) {
		t.Errorf("%s: enum %v, want %v", p.Name, enum, wantEnum)
	}
	if got := defaultText(s.Default); got != p.Default {
		t.Errorf("%s: default %q, want %q", p.Name, got, p.Default)
	}
	if p.MaxLen > 0 && wantType == "string" && (s.MaxLength == nil || *s.MaxLength != uint64(p.MaxLen)) {
		t.Errorf("%s: maxLength %v, want %d", p.Name, s.MaxLength, p.MaxLen)
	}
}

func defaultText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprint(int64(v))
	}
	return fmt.Sprint(v)
}
