package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/uapid/uapid/internal/uapi"
)

// view is the data every template renders: who is logged in, where the
// page lives, and what the last action did. Pages find their own data with
// execute; view only carries what no function returns.
type view struct {
	Brand   string
	Title   string
	Page    string // page name: <body data-page> carries it
	Section string // the navigation entry marked as current: the page, or the page it is a step of
	Base    string // "/cpsessNNNNNNNNNN": the prefix of every link and form action
	Path    string // the page's path below Base
	Account *accountView
	Nav     []navItem
	Refresh int // seconds until the page reloads itself; 0: never
	modules map[string]bool

	Flash    string       // what the last action did
	Warnings []string     // warnings and messages of an action rendered directly
	Shown    *uapi.Result // the result of an action whose data is shown once (a new API token)
	failure  *failure
	query    url.Values // the page's query string (GET only)
	posted   url.Values // the form of the action rendered directly, without secrets

	Notice string // login page: why the login form is shown
	Goto   string // login page: where the new session should open

	Invite *inviteView // invitation page

	Shell *shellView // API Shell
}

// accountView is the logged-in hosting account as pages show it.
type accountView struct {
	Name    string
	Domain  string
	Domains []string
}

// navItem is one link of the navigation.
type navItem struct {
	Name, Title, Path string
}

// failure is an action whose function failed: the page shows its errors
// next to the form that posted it, with the values the user typed.
type failure struct {
	form   string // the action's name, which is also the form's name
	item   string // the row the form acted on; "" for forms that create
	errors []string
	values url.Values // as posted, without secrets
	shown  bool       // a form on the page showed the errors
	orphan bool       // no form did: the page shows them at the top
}

// newView returns the view of page p for session s.
func (ui *UI) newView(s *session, p *page) *view {
	v := &view{Brand: ui.cfg.Brand, Title: p.title, Page: p.name, Section: p.section(), Base: s.base(), Path: p.path,
		Account: &accountView{Name: s.acct.Name, Domain: s.acct.Domain, Domains: s.acct.Domains}}
	v.modules = make(map[string]bool)
	for _, m := range ui.eng.Registry().Modules() {
		v.modules[m] = true
	}
	for _, n := range allPages() {
		if n.parent == "" && ui.hasModule(n.module) {
			v.Nav = append(v.Nav, navItem{Name: n.name, Title: n.title, Path: n.path})
		}
	}
	if p.refresh && ui.cfg.Refresh > 0 {
		v.Refresh = max(1, int(ui.cfg.Refresh.Seconds()))
	}
	return v
}

// Has reports whether the server offers a module, for pages that show
// parts of several modules.
//
//	{{ if $.Has "Ftp" }}…{{ end }}
func (v *view) Has(module string) bool { return v.modules[module] }

// ErrorsFor returns the errors of the form named form acting on item (a
// row's login, token name or pid; "" for forms that create), if that form
// failed.
//
//	{{ template "form-errors" ($.ErrorsFor "ftp-passwd" .login) }}
func (v *view) ErrorsFor(form string, item any) []string {
	if v.failure == nil || v.failure.form != form || v.failure.item != fmt.Sprint(item) {
		return nil
	}
	v.failure.shown = true
	return v.failure.errors
}

// OrphanErrors returns the errors of a failed form that is no longer on the
// page (its row went away, or it named a row that never was), so that they
// are shown at the top instead of nowhere.
func (v *view) OrphanErrors() []string {
	if v.failure == nil || !v.failure.orphan {
		return nil
	}
	return v.failure.errors
}

// ValueOf returns what the user typed into a field of the form named form
// when that form failed, so that a corrected submit does not start over.
// Secrets (passwords) are never returned.
func (v *view) ValueOf(form, field string) string {
	if v.failure == nil || v.failure.form != form {
		return ""
	}
	return v.failure.values.Get(field)
}

// domainChoice is the data of the domain-select part.
type domainChoice struct {
	ID       string
	Domains  []string
	Selected string
}

// DomainChoice returns a domain select for the create form named form:
// the account's domains, with the one the user chose selected again after
// an error, else the primary domain.
//
//	{{ template "domain-select" ($.DomainChoice "ftp-add-domain" "ftp-add") }}
func (v *view) DomainChoice(id, form string) domainChoice {
	sel := v.ValueOf(form, "domain")
	if sel == "" {
		sel = v.Account.Domain
	}
	return domainChoice{ID: id, Domains: v.Account.Domains, Selected: sel}
}

// flash returns the success message of the action named in the done query
// parameter of a redirect back to p, or "". Only messages of p's own
// actions are shown: the text comes from the action, never from the URL.
func (ui *UI) flash(p *page, r *http.Request) string {
	q := r.URL.Query()
	a, ok := ui.actions[q.Get("done")]
	if !ok || a.donePage() != p.name {
		return ""
	}
	return a.message(q.Get("item"))
}

// Param returns a parameter of a step page (which user to edit): from the
// query string of the GET, or, when an action rendered the page again,
// from the form it posted.
//
//	{{ $guid := .Param "guid" }}
func (v *view) Param(name string) string {
	if s := v.query.Get(name); s != "" {
		return s
	}
	if v.failure != nil {
		return v.failure.values.Get(name)
	}
	return v.posted.Get(name)
}

// Field returns what a field of an edit form shows: what the user typed
// when that form just failed (a blank included), else the current value
// (nil shows as blank).
//
//	value="{{ $.Field "usermanager-edit" "real_name" .real_name }}"
func (v *view) Field(form, field string, current any) string {
	if v.failure != nil && v.failure.form == form {
		return v.failure.values.Get(field)
	}
	if current == nil {
		return ""
	}
	return fmt.Sprint(current)
}

// Checked reports whether a checkbox is ticked: as posted when its form
// just failed, else current. A form may send a hidden 0 before the box's
// 1, so the last value counts (see action.checkboxes).
func (v *view) Checked(form, field string, current bool) bool {
	if v.failure == nil || v.failure.form != form {
		return current
	}
	vals := v.failure.values[field]
	return len(vals) > 0 && vals[len(vals)-1] == "1"
}
