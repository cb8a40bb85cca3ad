package web

// tokenRename renames an API token (Tokens::rename); the row is the
// token's current name.
func tokenRename() *action {
	return &action{name: "token-rename", page: "tokens", path: "/tokens/rename",
		module: "Tokens", function: "rename", fields: []string{"name", "new_name"},
		item: field("name"), row: true, done: "The API token “%s” was renamed."}
}
