package whm

import (
	"encoding/json"
	"net/http"
)

// Result is WHM API 1's answer to every call.
type Result struct {
	Data     any      `json:"data,omitempty"`
	Metadata Metadata `json:"metadata"`
}

// Metadata says how a call went: result 1 (success) or 0 with the reason.
type Metadata struct {
	Command string  `json:"command"`
	Output  *Output `json:"output,omitempty"`
	Reason  string  `json:"reason"`
	Result  int     `json:"result"`
	Version int     `json:"version"`
}

// Output carries the raw text log cPanel prints for some functions.
type Output struct {
	Raw string `json:"raw"`
}

func writeResult(w http.ResponseWriter, status int, res Result) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(res)
}

// failure is the result of a call that did not run the function.
func failure(command, reason string) Result {
	return Result{Metadata: Metadata{Command: command, Reason: reason, Result: 0, Version: 1}}
}
