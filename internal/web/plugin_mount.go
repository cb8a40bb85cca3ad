package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/hosting"
)

// PluginPages serves the pages of installed plugins below
// /cpsessNNNNNNNNNN/plugins/PLUGIN/PAGE; internal/plugin implements it.
// The UI resolves the session first, so a plugin only ever answers a
// logged-in, unsuspended account, and every answer carries the UI's
// security headers.
type PluginPages interface {
	// ServePluginPage answers one request for a plugin page.
	ServePluginPage(w http.ResponseWriter, r *http.Request, p *PluginPage)
}

// PluginPage is one request for a plugin page in a logged-in session.
type PluginPage struct {
	// Account is the session's account: the only one the page acts for.
	Account *hosting.Account
	// Token is the session's security token, "cpsessNNNNNNNNNN": the first
	// segment of every URL of the session.
	Token string
	// Plugin and Page are the URL's two segments, unescaped and not yet
	// validated: the plugin server checks them.
	Plugin, Page string

	ui *UI
	s  *session
}

// WithPlugins returns the UI's handler with plugin pages mounted; use it
// in place of Handler. With nil pages it is Handler.
func (ui *UI) WithPlugins(pages PluginPages) http.Handler {
	if pages == nil {
		return ui.handler
	}
	mux := http.NewServeMux()
	mux.Handle("/{session}/plugins/{plugin}/{page}", ui.secure(ui.servePluginPage(pages)))
	mux.Handle("/", ui.handler)
	return mux
}

// servePluginPage resolves the session as every page does (login redirect,
// token check, suspension), then hands the request to the plugins.
func (ui *UI) servePluginPage(pages PluginPages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := &PluginPage{Plugin: r.PathValue("plugin"), Page: r.PathValue("page"), ui: ui}
		s := ui.session(w, r, p.Path())
		if s == nil {
			return
		}
		p.Account, p.Token, p.s = s.acct, s.token, s
		pages.ServePluginPage(w, r, p)
	}
}

// Path returns the page's path below the session prefix.
func (p *PluginPage) Path() string { return "/plugins/" + p.Plugin + "/" + p.Page }

// pluginView is what a plugin template renders: the view of every page
// (.Base, .Account, .Has …) plus the plugin's name and the query string.
type pluginView struct {
	*view
	Plugin string
	Query  url.Values
}

// RenderTemplate renders src, the text of a plugin's template page named
// name, as the content of the UI's layout, with the template functions of
// the built-in pages: execute runs read functions for the session's
// account. The title is the plugin's name unless src defines "title".
// A template that fails to parse or run gives the internal error page.
func (p *PluginPage) RenderTemplate(w http.ResponseWriter, r *http.Request, name, src string) {
	body, err := p.ui.renderPlugin(r, p, name, src)
	if err != nil {
		p.ui.internalError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (ui *UI) renderPlugin(r *http.Request, p *PluginPage, name, src string) ([]byte, error) {
	t, err := template.New(name).Funcs(ui.baseFuncs()).ParseFS(files, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout for plugin page %s: %w", name, err)
	}
	if _, err := t.New("content").Parse(src); err != nil {
		return nil, fmt.Errorf("web: parse plugin page %s/%s: %w", p.Plugin, name, err)
	}
	t.Funcs(template.FuncMap{"execute": ui.executeFunc(r.Context(), p.Account)})
	v := &pluginView{view: ui.newView(p.s, &page{name: "plugin", path: p.Path(), title: p.Plugin}),
		Plugin: p.Plugin, Query: r.URL.Query()}
	var buf bytes.Buffer
	if t.Lookup("title") != nil {
		if err := t.ExecuteTemplate(&buf, "title", v); err != nil {
			return nil, fmt.Errorf("web: render title of plugin page %s/%s: %w", p.Plugin, name, err)
		}
		// The layout escapes the title itself.
		v.Title = strings.TrimSpace(html.UnescapeString(buf.String()))
		buf.Reset()
	}
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("web: render plugin page %s/%s: %w", p.Plugin, name, err)
	}
	return buf.Bytes(), nil
}

// NotFound answers 404 with the UI's error page.
func (p *PluginPage) NotFound(w http.ResponseWriter, r *http.Request) { p.ui.notFound(w, r) }

// Error answers status with the UI's error page: a title and one sentence
// for the user, nothing from inside the server.
func (p *PluginPage) Error(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	p.ui.renderError(w, r, status, title, msg)
}

// InternalError logs err with the request id and shows the user only the
// id.
func (p *PluginPage) InternalError(w http.ResponseWriter, r *http.Request, err error) {
	p.ui.internalError(w, r, err)
}
