package web

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/uapid/uapid/internal/pagehost"
)

// pluginHost is the UI's side of one plugin page request: it renders the
// UI's layout and error pages for the request's session.
type pluginHost struct {
	ui  *UI
	s   *session
	req *pagehost.Request
}

var _ pagehost.Host = (*pluginHost)(nil)

// WithPlugins returns the UI's handler with plugin pages mounted below
// /cpsessNNNNNNNNNN/plugins/PLUGIN/PAGE; use it in place of Handler. The
// UI resolves the session first, so a plugin only ever answers a logged-in,
// unsuspended account, and every answer carries the UI's security headers.
// With nil pages it is Handler.
func (ui *UI) WithPlugins(pages pagehost.Pages) http.Handler {
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
func (ui *UI) servePluginPage(pages pagehost.Pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := &pagehost.Request{Plugin: r.PathValue("plugin"), Page: r.PathValue("page")}
		s := ui.session(w, r, p.Path())
		if s == nil {
			return
		}
		p.Account, p.Token = s.acct, s.token
		p.Host = &pluginHost{ui: ui, s: s, req: p}
		pages.ServePluginPage(w, r, p)
	}
}

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
func (h *pluginHost) RenderTemplate(w http.ResponseWriter, r *http.Request, name, src string) {
	body, err := h.ui.renderPlugin(r, h, name, src)
	if err != nil {
		h.ui.internalError(w, r, err)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (ui *UI) renderPlugin(r *http.Request, h *pluginHost, name, src string) ([]byte, error) {
	p := h.req
	t, err := template.New(name).Funcs(ui.baseFuncs()).ParseFS(files, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout for plugin page %s: %w", name, err)
	}
	if _, err := t.New("content").Parse(src); err != nil {
		return nil, fmt.Errorf("web: parse plugin page %s/%s: %w", p.Plugin, name, err)
	}
	t.Funcs(template.FuncMap{"execute": ui.executeFunc(r.Context(), p.Account)})
	v := &pluginView{view: ui.newView(h.s, &page{name: "plugin", path: p.Path(), title: p.Plugin}),
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

// chromeMarker is where a page's content goes in the layout Chrome renders.
const chromeMarker = "\x00uapid-content\x00"

// Chrome renders the UI's layout for the session with TitleMarker as the
// title and splits it where the content goes.
func (h *pluginHost) Chrome(r *http.Request) (header, footer []byte, err error) {
	t, err := template.New("chrome").Funcs(h.ui.baseFuncs()).ParseFS(files, "templates/layout.html", "templates/parts.html")
	if err == nil {
		_, err = t.New("content").Parse(`{{define "content"}}` + chromeMarker + `{{end}}`)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("web: parse layout for plugin chrome: %w", err)
	}
	p := h.req
	v := &pluginView{view: h.ui.newView(h.s, &page{name: "plugin", path: p.Path(), title: pagehost.TitleMarker}),
		Plugin: p.Plugin, Query: r.URL.Query()}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, nil, fmt.Errorf("web: render plugin chrome: %w", err)
	}
	header, footer, ok := bytes.Cut(buf.Bytes(), []byte(chromeMarker))
	if !ok {
		return nil, nil, errors.New("web: plugin chrome: the layout has no content")
	}
	return header, footer, nil
}

// NotFound answers 404 with the UI's error page.
func (h *pluginHost) NotFound(w http.ResponseWriter, r *http.Request) { h.ui.notFound(w, r) }

// Error answers status with the UI's error page.
func (h *pluginHost) Error(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	h.ui.renderError(w, r, status, title, msg)
}

// InternalError logs err with the request id and shows the user only the
// id.
func (h *pluginHost) InternalError(w http.ResponseWriter, r *http.Request, err error) {
	h.ui.internalError(w, r, err)
}
