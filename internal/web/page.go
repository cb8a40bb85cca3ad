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
}

// servePage answers GET on a page: the session's view, with the message of
// the action that redirected here, rendered by the page's template.
func (ui *UI) servePage(p *page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := ui.session(w, r, p.path)
		if s == nil {
			return
		}
		if !ui.hasModule(p.module) {
			ui.notFound(w, r)
			return
		}
		v := ui.newView(s, p)
		v.Flash = ui.flash(p, r)
		ui.render(w, r, s, p.name, v, http.StatusOK)
	}
}
