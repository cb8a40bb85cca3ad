package web

// homePage is the session's start page: the account, its domains and a
// link to every page the server offers.
func homePage() *page {
	return &page{name: "home", path: "/", title: "Home"}
}
