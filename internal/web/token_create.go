package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/uapi"
)

// tokenCreate creates a full-access API token (Tokens::create_full_access).
// The page is rendered with the result instead of redirecting: the token
// is shown this once, and a redirect would have to carry it in a URL.
func tokenCreate() *action {
	return &action{name: "token-create", page: "tokens", path: "/tokens/create",
		module: "Tokens", function: "create_full_access", convert: tokenCreateArgs,
		item: field("name"), done: "The API token “%s” was created.", show: true}
}

// tokenCreateArgs passes the name and turns the optional expiry date
// (a date input, YYYY-MM-DD) into expires_at: the end of that day in the
// configured zone, so a token dated today works until midnight. A day
// that has passed is refused here: the function would make a token that is
// already expired (as cPanel's documentation allows), which no one filling
// in this form wants.
func tokenCreateArgs(ui *UI, form url.Values) (uapi.Args, error) {
	args := uapi.Args{"name": {form.Get("name")}}
	date := strings.TrimSpace(form.Get("expires"))
	if date == "" {
		return args, nil
	}
	day, err := time.ParseInLocation(time.DateOnly, date, ui.cfg.Location)
	if err != nil {
		return nil, fmt.Errorf("The expiry date “%s” is not a date (YYYY-MM-DD).", date)
	}
	end := day.AddDate(0, 0, 1).Add(-time.Second)
	if !end.After(time.Now()) {
		return nil, fmt.Errorf("The expiry date “%s” has passed: choose today or a later day.", date)
	}
	args.Add("expires_at", strconv.FormatInt(end.Unix(), 10))
	return args, nil
}
