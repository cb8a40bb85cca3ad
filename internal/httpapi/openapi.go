package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/uapid/uapid/internal/uapi"
)

// encodeOpenAPI encodes the registry's OpenAPI description. The document
// is plain maps, strings and numbers, so encoding cannot fail; a failure
// would be a bug that every test of this package finds.
func encodeOpenAPI(reg *uapi.Registry, version string) []byte {
	b, err := json.Marshal(reg.OpenAPI(version))
	if err != nil {
		panic(fmt.Sprintf("httpapi: encode the OpenAPI description: %v", err))
	}
	return b
}

// serveOpenAPI answers GET /openapi.json with the OpenAPI 3 description of
// every function the server runs. It needs no login: it describes the
// functions, never an account, as cPanel's published description does.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache") // follows an upgrade at once
	// Browser-based OpenAPI tools on other origins may read it: it holds
	// no account data and needs no credentials.
	h.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(s.openAPI()))
	return nil
}
