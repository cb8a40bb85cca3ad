// Command cpanelgoprobe is a plugin page built with cpanelgo, the Go
// LiveAPI client of Let's Encrypt for cPanel, exactly as a cPanel plugin
// uses it: cpanel.NewLiveApi on CPANEL_CONNECT_SOCKET. uapid's tests build
// it and run it as an executable page. It reads its request with
// net/http/cgi, so the environment must be a CGI request Go accepts.
package main

import (
	"fmt"
	"html"
	"net/http/cgi"
	"os"

	"github.com/letsencrypt-cpanel/cpanelgo"
	"github.com/letsencrypt-cpanel/cpanelgo/cpanel"
)

// tokenList is the data of Tokens::list.
type tokenList struct {
	cpanelgo.BaseUAPIResponse
	Data []struct {
		Name string `json:"name"`
	} `json:"data"`
}

func main() {
	req, err := cgi.Request()
	if err != nil {
		fail("cgi.Request: %v", err)
	}
	api, err := cpanel.NewLiveApi("unix", os.Getenv("CPANEL_CONNECT_SOCKET"))
	if err != nil {
		fail("NewLiveApi: %v", err)
	}
	defer api.Close()

	// Naming another user in the arguments must change nothing.
	var tokens tokenList
	if err := api.Gateway.UAPI("Tokens", "list", cpanelgo.Args{"user": "other"}, &tokens); err != nil {
		fail("Tokens::list: %v", err)
	}
	if err := tokens.Error(); err != nil {
		fail("Tokens::list: %v", err)
	}
	var old cpanelgo.BaseAPI2Response
	api2Err := api.Gateway.API2("Ftp", "listftp", cpanelgo.Args{}, &old)

	fmt.Print("Content-Type: text/html; charset=utf-8\r\n\r\n")
	fmt.Printf("<p id=\"request\">%s %s</p>\n", req.Method, html.EscapeString(req.URL.Path))
	fmt.Printf("<p id=\"user\">%s</p>\n<ul id=\"tokens\">\n", html.EscapeString(os.Getenv("REMOTE_USER")))
	for _, t := range tokens.Data {
		fmt.Printf("<li>%s</li>\n", html.EscapeString(t.Name))
	}
	fmt.Printf("</ul>\n<p id=\"api2\">%s</p>\n", html.EscapeString(fmt.Sprint(api2Err)))
}

func fail(format string, args ...any) {
	fmt.Print("Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n")
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}
