package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"

	"github.com/uapid/uapid/internal/hosting"
	"github.com/uapid/uapid/internal/uapi"
)

// files holds the templates and static assets; embed.FS is read-only.
//
//go:embed templates static
var files embed.FS

// templates are the parsed page templates, each one page with the layout
// and the shared parts. They are never executed themselves: every request
// renders a clone with execute bound to its session (html/template forbids
// cloning a template that has run).
type templates struct {
	byName map[string]*template.Template
}

// templateNames lists every template to parse: the pages, the login form,
// the invitation page and the error page.
func (ui *UI) templateNames() []string {
	names := []string{"login", "error", "invitation"}
	for name := range ui.pages {
		names = append(names, name)
	}
	return names
}

// parseTemplates parses templates/NAME.html with the layout and the parts
// for each name. Parts are parts.html, shared by every page, and
// parts_*.html, shared by related pages (the User Manager's list, edit and
// delete pages); their template names carry a prefix of their own.
func parseTemplates(names []string, funcs template.FuncMap) (*templates, error) {
	t := &templates{byName: make(map[string]*template.Template, len(names))}
	for _, name := range names {
		parsed, err := template.New(name).Funcs(funcs).ParseFS(files,
			"templates/layout.html", "templates/parts*.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		t.byName[name] = parsed
	}
	return t, nil
}

// render writes the template name with v. It renders into a buffer first,
// so that a function failing halfway gives a clean error page rather than
// half a page with status 200. acct is the session's account (nil on pages
// without a session).
func (ui *UI) render(w http.ResponseWriter, r *http.Request, s *session, name string, v *view, status int) {
	var acct *hosting.Account
	if s != nil {
		acct = s.acct
	}
	body, err := ui.renderBytes(r, acct, name, v)
	if err == nil && v.failure != nil && !v.failure.shown {
		// No form took the errors: render again with them at the top.
		// Only failed actions pay for the second pass.
		v.failure.orphan = true
		body, err = ui.renderBytes(r, acct, name, v)
	}
	if err != nil {
		ui.internalError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages show account data and sometimes a new token
	w.WriteHeader(status)
	_, _ = w.Write(body) // a browser that went away needs no answer
}

func (ui *UI) renderBytes(r *http.Request, acct *hosting.Account, name string, v *view) ([]byte, error) {
	base, ok := ui.tmpl.byName[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	t, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("web: clone template %s: %w", name, err)
	}
	t.Funcs(template.FuncMap{"execute": ui.executeFunc(r.Context(), acct)})
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// renderError answers with the error page: a title and one sentence for
// the user, nothing from inside the server.
func (ui *UI) renderError(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	v := &view{Brand: ui.cfg.Brand, Title: title, Page: "error", Notice: msg}
	body, err := ui.renderBytes(r, nil, "error", v)
	if err != nil {
		// The error page itself failed: a bug. Plain text still answers.
		ui.log.ErrorContext(r.Context(), "web: render error page", "req_id", uapi.RequestID(r.Context()), "err", err)
		http.Error(w, msg, status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// internalError logs err with the request id and shows the user only the id.
func (ui *UI) internalError(w http.ResponseWriter, r *http.Request, err error) {
	id := uapi.RequestID(r.Context())
	ui.log.ErrorContext(r.Context(), "web: request failed", "req_id", id, "path", r.URL.Path, "err", err)
	ui.renderError(w, r, http.StatusInternalServerError, "Internal error", internalMessage(id))
}

// notFound answers 404 with the error page.
func (ui *UI) notFound(w http.ResponseWriter, r *http.Request) {
	ui.renderError(w, r, http.StatusNotFound, "Not found", "There is no page at this address.")
}

// contentSecurityPolicy allows only this server's own styles, scripts,
// images and form targets: no inline script or style can run, even if some
// text escaped the templates' escaping, and no other site may frame a page.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secure adds the security headers to every answer. httpapi sets some of
// them too; the UI sets its own so it is safe behind any server.
func (ui *UI) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// The session token is in every URL: no Referer may carry it away.
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
