package web

// tokensPage lists the account's API tokens (Tokens::list) with the forms
// to create, rename and revoke them.
func tokensPage() *page {
	return &page{name: "tokens", path: "/tokens", title: "API Tokens", module: "Tokens"}
}
