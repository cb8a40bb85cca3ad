package web

import (
	"encoding/json"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/uapi"
)

// baseFuncs are the template functions. execute is a placeholder here:
// every request binds its own to the session (see executeFunc).
func (ui *UI) baseFuncs() template.FuncMap {
	return template.FuncMap{
		"execute": func(string, string, ...uapi.Args) (*uapi.Result, error) {
			return nil, errors.New("web: execute is bound per request")
		},
		"args":     argsFunc,
		"unixtime": ui.unixTime,
		"truthy":   truthy,
		"int":      toInt,
	}
}

// unixTime formats a Unix time from a result ("1700000000" or a number) as
// a date and time in the configured zone; "" for no time.
func (ui *UI) unixTime(v any) string {
	n, ok := number(v)
	if !ok {
		return ""
	}
	return time.Unix(n, 0).In(ui.cfg.Location).Format("2006-01-02 15:04 MST")
}

// truthy reports whether a result value means yes as cPanel writes it: 1,
// "1" or true.
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case nil:
		return false
	}
	n, ok := number(v)
	return ok && n != 0
}

// number reads an integer from a result value: a json.Number, a string of
// digits, or a Go integer. Decimals are truncated ("42.00" is 42).
func number(v any) (int64, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = x
	case int:
		return int64(x), true
	case int64:
		return x, true
	case float64:
		return int64(x), true
	default:
		return 0, false
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return int64(f), true
}

// toInt is number for templates, which take one result: 0 for no number.
//
//	<meter value="{{ toInt .diskusedpercent }}" …>
func toInt(v any) int64 {
	n, _ := number(v)
	return n
}
