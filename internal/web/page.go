package web

import (
	"net/http"
)

// page is one screen below the session prefix. Its template finds its own
// data with execute; the Go side only declares where it lives.
type page struct {
	name    string // the template (templates/NAME.html) and the navigation id
	path    string // below the session prefix, e.g. "/ftp/accounts"
	title   string
	module  string // the module the page needs; without it the page is 404 and not in the navigation
	refresh bool   // reload by itself every Config.Refresh
	// parent names the page this one is a step of (an edit form, a
	// confirmation), reached from its links: such a page has no navigation
	// entry of its own, and the navigation marks the parent instead.
	parent string
	// prepare, when set, adds to the view of a GET what the template cannot
	// find with execute (the API Shell's registry listing).
	prepare func(ui *UI, r *http.Request, v *view)
}

// section is the navigation entry the page belongs to.
func (p *page) section() string {
	if p.parent != "" {
		return p.parent
	}
	return p.name
}

// servePage answers GET on a page: the session's view, with the message of
// the action that redirected here, rendered by the page's template.
func (ui *UI) servePage(p *page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		back := p.path
		if p.parent != "" && r.URL.RawQuery != "" {
			// A step page needs its parameters (which user) after a login.
			back += "?" + r.URL.RawQuery
		}
		s := ui.session(w, r, back)
		if s == nil {
			return
		}
		if !ui.hasModule(p.module) {
			ui.notFound(w, r)
			return
		}
		v := ui.newView(s, p)
		v.Flash = ui.flash(p, r)
		v.query = r.URL.Query()
		if p.prepare != nil {
			p.prepare(ui, r, v)
		}
		ui.render(w, r, s, p.name, v, http.StatusOK)
	}
}
