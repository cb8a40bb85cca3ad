package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/uapid/uapid/internal/uapi"
)

// requestArgs collects a call's arguments: the query string, then for POST
// the body's values after them (so a key in both takes the query's value
// where one value is read, and both where a list is). nested reports a
// nested JSON object, which only some functions accept.
func (s *Server) requestArgs(w http.ResponseWriter, r *http.Request) (uapi.Args, bool, error) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, false, &httpError{code: http.StatusBadRequest,
			msg: "The query string is not valid URL encoding.", err: err}
	}
	args := uapi.ArgsFromValues(query)
	if r.Method != http.MethodPost {
		return args, false, nil
	}
	body, nested, err := s.bodyArgs(w, r)
	if err != nil {
		return nil, false, err
	}
	for k, vs := range body {
		args[k] = append(args[k], vs...)
	}
	return args, nested, nil
}

// bodyArgs decodes a POST body by its Content-Type. A body without one is
// read as a form, as CGI does, because that is what `curl -d` style clients
// without a header mean.
func (s *Server) bodyArgs(w http.ResponseWriter, r *http.Request) (uapi.Args, bool, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
	mediaType := "application/x-www-form-urlencoded"
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			return nil, false, unsupportedType(ct)
		}
		mediaType = mt
	}
	switch mediaType {
	case "application/x-www-form-urlencoded":
		return s.formArgs(r)
	case "multipart/form-data":
		return s.multipartArgs(r)
	case "application/json":
		return s.jsonArgs(r)
	}
	return nil, false, unsupportedType(mediaType)
}

func (s *Server) formArgs(r *http.Request) (uapi.Args, bool, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, false, s.bodyError(err)
	}
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, false, &httpError{code: http.StatusBadRequest,
			msg: "The request body is not valid URL encoding.", err: err}
	}
	return uapi.ArgsFromValues(v), false, nil
}

// multipartArgs takes the form fields of a multipart body. Uploaded files
// are no argument of any function uapid has, so they are dropped.
func (s *Server) multipartArgs(r *http.Request) (uapi.Args, bool, error) {
	if err := r.ParseMultipartForm(s.cfg.MaxBodyBytes); err != nil {
		return nil, false, s.bodyError(err)
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	return uapi.ArgsFromValues(r.MultipartForm.Value), false, nil
}

func (s *Server) jsonArgs(r *http.Request) (uapi.Args, bool, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, false, s.bodyError(err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return uapi.Args{}, false, nil // an empty body means no arguments, as for a form
	}
	args, nested, err := uapi.ArgsFromJSON(body)
	if err != nil {
		return nil, false, &httpError{code: http.StatusBadRequest, msg: "Invalid JSON: " + err.Error(), err: err}
	}
	return args, nested, nil
}

// bodyError tells a body over the limit from a malformed or broken one.
func (s *Server) bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &httpError{code: http.StatusRequestEntityTooLarge, err: err,
			msg: fmt.Sprintf("The request body is larger than the limit of %s.", byteSize(s.cfg.MaxBodyBytes))}
	}
	return &httpError{code: http.StatusBadRequest, msg: "The request body could not be read.", err: err}
}

func unsupportedType(ct string) error {
	return &httpError{code: http.StatusUnsupportedMediaType,
		msg: fmt.Sprintf("The Content-Type “%s” is not supported: send application/x-www-form-urlencoded, multipart/form-data or application/json.", ct)}
}

// byteSize writes a limit the way an operator configured it.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
