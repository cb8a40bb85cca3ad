package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// staticFiles are the stylesheet and the script, served at /static/NAME
// without a session (the login page needs them too).
type staticFiles struct {
	files map[string]staticFile
}

type staticFile struct {
	body []byte
	etag string
	mime string
}

// loadStatic reads the embedded static directory once. Each file gets an
// ETag from its content, so browsers revalidate cheaply and never keep a
// stylesheet from an older release.
func loadStatic() (*staticFiles, error) {
	entries, err := fs.ReadDir(files, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	sf := &staticFiles{files: make(map[string]staticFile)}
	for _, e := range entries {
		body, err := fs.ReadFile(files, "static/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("web: static file %s: %w", e.Name(), err)
		}
		sum := sha256.Sum256(body)
		sf.files[e.Name()] = staticFile{body: body, etag: `"` + hex.EncodeToString(sum[:8]) + `"`,
			mime: mime.TypeByExtension(path.Ext(e.Name()))}
	}
	return sf, nil
}

// register adds one exact route per file: a wildcard under /static/ would
// overlap the session pages' /{session}/… patterns.
func (sf *staticFiles) register(mux *http.ServeMux) {
	for name, f := range sf.files {
		mux.HandleFunc("GET /static/"+name, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Type", f.mime)
			h.Set("ETag", f.etag)
			h.Set("Cache-Control", "no-cache")
			http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
		})
	}
}
