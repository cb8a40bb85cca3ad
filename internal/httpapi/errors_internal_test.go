package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestWriteJSONReusesBuffers checks that an answer written after a longer
// one (its buffer reused) holds only its own bytes, with a matching length.
func TestWriteJSONReusesBuffers(t *testing.T) {
	for _, v := range []any{strings.Repeat("x", 100_000), strings.Repeat("y", 1000), "z", strings.Repeat("w", maxPooledJSON+1), "v"} {
		rec := httptest.NewRecorder()
		if err := writeJSON(rec, http.StatusOK, v); err != nil {
			t.Fatal(err)
		}
		want := `"` + v.(string) + `"`
		if got := rec.Body.String(); got != want || rec.Header().Get("Content-Length") != strconv.Itoa(len(want)) {
			t.Fatalf("body %.40q… (%d bytes, Content-Length %s), want %.40q… (%d bytes)",
				got, len(got), rec.Header().Get("Content-Length"), want, len(want))
		}
	}
}
