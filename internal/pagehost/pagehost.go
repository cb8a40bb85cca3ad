package pagehost

import (
	"net/http"

	"github.com/uapid/uapid/internal/hosting"
)

// TitleMarker stands for the page title in the chrome Host.Chrome returns:
// a page's header() or WRAPPER puts its own (HTML-escaped) title there.
const TitleMarker = "@@UAPID_PAGE_TITLE@@"

// Pages serves plugin pages; the UI mounts it below
// /cpsessNNNNNNNNNN/plugins/PLUGIN/PAGE once the session is resolved.
type Pages interface {
	// ServePluginPage answers one request for a plugin page.
	ServePluginPage(w http.ResponseWriter, r *http.Request, p *Request)
}

// Request is one request for a plugin page in a logged-in session.
type Request struct {
	// Account is the session's account: the only one the page acts for.
	Account *hosting.Account
	// Token is the session's security token, "cpsessNNNNNNNNNN": the first
	// segment of every URL of the session.
	Token string
	// Plugin and Page are the URL's two segments, unescaped and not yet
	// validated: the plugin server checks them.
	Plugin, Page string
	// Host renders what the UI owns: its layout, its error pages.
	Host Host
}

// Path returns the page's path below the session prefix.
func (p *Request) Path() string { return "/plugins/" + p.Plugin + "/" + p.Page }

// Host is what the UI does for a plugin page, for the session the request
// belongs to.
type Host interface {
	// RenderTemplate renders src, the text of a Go template page named
	// name, as the content of the UI's layout with the built-in pages'
	// functions (execute runs read functions for the account), and answers
	// with it; a template that fails gives the internal error page.
	RenderTemplate(w http.ResponseWriter, r *http.Request, name, src string)
	// Chrome returns the UI's layout around a page's content, split where
	// the content goes, with TitleMarker where the title goes: what
	// LiveAPI's header() and footer() and Template Toolkit's master
	// wrapper print.
	Chrome(r *http.Request) (header, footer []byte, err error)
	// Error answers status with the UI's error page: a title and one
	// sentence for the user, nothing from inside the server.
	Error(w http.ResponseWriter, r *http.Request, status int, title, msg string)
	// NotFound answers 404 with the UI's error page.
	NotFound(w http.ResponseWriter, r *http.Request)
	// InternalError logs err with the request id and shows the user only
	// the id.
	InternalError(w http.ResponseWriter, r *http.Request, err error)
}
