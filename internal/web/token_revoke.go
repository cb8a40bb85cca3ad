package web

// tokenRevoke removes an API token (Tokens::revoke). Revoking a token that
// is already gone succeeds, as the function does; its message saying so is
// shown with the page.
func tokenRevoke() *action {
	return &action{name: "token-revoke", page: "tokens", path: "/tokens/revoke",
		module: "Tokens", function: "revoke", fields: []string{"name"},
		item: field("name"), row: true, done: "The API token “%s” was revoked."}
}
