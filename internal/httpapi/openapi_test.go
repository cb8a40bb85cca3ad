package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/uapid/uapid/internal/httpapi"
)

// TestOpenAPIServed checks GET /openapi.json: served without a login, as
// JSON, describing the engine's functions with the configured version.
// (internal/catalog checks the document itself against the full registry.)
func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *httpapi.Config) { c.Version = "1.2.3" })
	r := e.do(t, http.MethodGet, "/openapi.json", nil).wantStatus(t, http.StatusOK)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc.OpenAPI != "3.0.3" || doc.Info.Version != "1.2.3" {
		t.Errorf("openapi %q version %q", doc.OpenAPI, doc.Info.Version)
	}
	for _, p := range []string{"/execute/Test/echo", "/execute/Test/list", "/execute/Test/nested", "/execute/Test/whoami"} {
		if doc.Paths[p]["get"] == nil || doc.Paths[p]["post"] == nil {
			t.Errorf("%s is not described for GET and POST", p)
		}
	}
	if len(doc.Paths) != 4 {
		t.Errorf("%d paths, want 4", len(doc.Paths))
	}
	if r := e.do(t, http.MethodPost, "/openapi.json", nil); r.code == http.StatusOK {
		t.Errorf("POST /openapi.json answered 200")
	}
	if r := e.do(t, http.MethodHead, "/openapi.json", nil).wantStatus(t, http.StatusOK); len(r.body) != 0 {
		t.Errorf("HEAD has a body")
	}
}
