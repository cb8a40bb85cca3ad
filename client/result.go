package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// maxBodyBytes bounds the answers read: a list of every account of a large
// hosting account is a few MB, and a broken proxy must not exhaust memory.
const maxBodyBytes = 64 << 20

// Result is UAPI's result object, the body of every /execute answer.
type Result struct {
	// Status is 1 when the function succeeded and 0 when it failed.
	Status int `json:"status"`
	// Errors holds the failure messages; nil when there are none.
	Errors []string `json:"errors"`
	// Messages holds informational notes, such as api.filter arguments that
	// did not pertain to the data.
	Messages []string `json:"messages"`
	// Warnings holds problems that did not stop the function.
	Warnings []string `json:"warnings"`
	// Metadata holds what list post-processing did ("transformed",
	// "paginate", "records_before_filter"); numbers are json.Number.
	Metadata map[string]any `json:"metadata"`
	// Data is the function's payload, undecoded: null, an object, a list,
	// a string or a number depending on the function.
	Data json.RawMessage `json:"data"`

	// Module and Func name the function that answered; they are not part of
	// the wire object.
	Module string `json:"-"`
	Func   string `json:"-"`
}

// Decode unmarshals the result's data into v, a pointer.
func (r *Result) Decode(v any) error {
	data := r.Data
	if len(data) == 0 {
		data = []byte("null")
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("client: %s::%s: decode data: %w", r.Module, r.Func, err)
	}
	return nil
}

// readResult turns an /execute answer into a result, an *Error or an
// *HTTPError.
func (c *Client) readResult(resp *http.Response, module, function string) (*Result, error) {
	body, err := readBody(resp)
	if err != nil {
		return nil, fmt.Errorf("client: %s::%s: %w", module, function, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, newHTTPError(resp, body)
	}
	r, err := parseResult(body)
	if err != nil {
		return nil, fmt.Errorf("client: %s::%s: the answer is not a UAPI result: %w", module, function, err)
	}
	r.Module, r.Func = module, function
	if c.hook != nil {
		c.hook(r)
	}
	if r.Status == 0 {
		return nil, &Error{Module: module, Func: function, Errors: r.Errors, Result: r}
	}
	return r, nil
}

func readBody(resp *http.Response) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(body) > maxBodyBytes {
		return nil, fmt.Errorf("the answer is larger than %d bytes", maxBodyBytes)
	}
	return body, nil
}

// parseResult decodes a result object; numbers in metadata stay exact.
func parseResult(body []byte) (*Result, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var r Result
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	// A JSON object without status, such as a proxy's error page in JSON,
	// is not an answer to trust as a success.
	var probe struct {
		Status *int `json:"status"`
	}
	if json.Unmarshal(body, &probe) != nil || probe.Status == nil {
		return nil, errors.New("it has no status")
	}
	return &r, nil
}
