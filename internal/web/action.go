package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/uapid/uapid/internal/uapi"
)

// maxFormBytes bounds an action's form: the largest field any form has is
// the FTP welcome message (64 KiB).
const maxFormBytes = 1 << 20

// action is one change the UI offers: a POST form on a page that runs one
// function and goes back to the page.
type action struct {
	name     string // the form's name: form ids, ErrorsFor and the done= code of the redirect
	page     string // the page the form is on, rendered again with the errors when it fails
	path     string // below the session prefix
	module   string
	function string
	// next is the page success leads to when it is not page: an edit form
	// goes back to the list it was opened from.
	next string
	// fields are the form fields passed to the function under the same
	// names. Anything else posted is ignored, so a form cannot be extended
	// by a crafted request into arguments the page never offered.
	fields []string
	// secrets are fields never echoed back into a form rendered again.
	secrets []string
	// keepBlank are fields sent even when blank. Other blank fields are
	// left out, so the function applies its default, as cPanel's forms do.
	keepBlank []string
	// checkboxes are fields whose form sends a hidden 0 before the box's 1,
	// so that an unticked box still says 0 (turn a service off); only the
	// last value is passed.
	checkboxes []string
	// convert, when set, turns the posted form into the arguments instead of
	// fields (a date picker into a Unix time); its error is shown like a
	// function's.
	convert func(ui *UI, form url.Values) (uapi.Args, error)
	// item names what the form acted on, for done's %s; nil for forms that
	// name nothing.
	item func(form url.Values) string
	// row says the form sits in a table row that item identifies, so a
	// failure is shown in that row's form and no other.
	row  bool
	done string // the message after success; %s is the item
	// describe, when set, turns the item into the words of done's %s.
	describe func(item string) string
	// show renders the page with the result (view.Shown) instead of
	// redirecting: for data that must be shown exactly once, like a new API
	// token, which must not travel in a URL.
	show bool
	// redirect, when set, is where success leads instead of the page: a
	// path of its own, outside the session (a changed account password
	// ends every session).
	redirect string
}

// field returns an item function that reads one form field.
func field(name string) func(url.Values) string {
	return func(form url.Values) string { return strings.TrimSpace(form.Get(name)) }
}

// address returns an item function for forms that name a login by a user
// and a domain field: user@domain, or the user alone when it already
// carries a domain or no domain was chosen.
func address(userField, domainField string) func(url.Values) string {
	return func(form url.Values) string {
		user, domain := field(userField)(form), field(domainField)(form)
		if domain == "" || strings.Contains(user, "@") {
			return user
		}
		return user + "@" + domain
	}
}

// donePage is the name of the page success leads to.
func (a *action) donePage() string {
	if a.next != "" {
		return a.next
	}
	return a.page
}

// message returns the success message for item.
func (a *action) message(item string) string {
	if !strings.Contains(a.done, "%s") {
		return a.done
	}
	if a.describe != nil {
		item = a.describe(item)
	}
	return fmt.Sprintf(a.done, item)
}

// itemOf returns what the posted form acted on ("" for none).
func (a *action) itemOf(form url.Values) string {
	if a.item == nil {
		return ""
	}
	return a.item(form)
}

// args builds the function's arguments from the posted form.
func (a *action) args(ui *UI, form url.Values) (uapi.Args, error) {
	if a.convert != nil {
		return a.convert(ui, form)
	}
	args := uapi.Args{}
	for _, f := range a.fields {
		v, ok := form[f]
		if ok && len(v) > 1 && slices.Contains(a.checkboxes, f) {
			v = v[len(v)-1:]
		}
		if !ok || (strings.TrimSpace(strings.Join(v, "")) == "" && !slices.Contains(a.keepBlank, f)) {
			continue
		}
		args[f] = slices.Clone(v)
	}
	return args, nil
}

// serveAction answers POST on an action: the function runs for the
// session's account, then the browser goes back to the page with a message
// (post/redirect/get), or the page is rendered again with the errors next
// to the form. The token in the path is the CSRF guard: another site's
// form cannot know it.
func (ui *UI) serveAction(a *action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := ui.pages[a.page]
		s := ui.session(w, r, p.path)
		if s == nil {
			return
		}
		if !ui.hasModule(p.module) {
			ui.notFound(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			ui.renderError(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
			return
		}
		form := r.PostForm // never the query string: only what the form sent
		res := ui.run(r, s, a, form)
		ui.finish(w, r, s, a, form, res)
	}
}

// run calls the action's function, or reports why the form could not be
// turned into a call.
func (ui *UI) run(r *http.Request, s *session, a *action, form url.Values) *uapi.Result {
	args, err := a.args(ui, form)
	if err != nil {
		return &uapi.Result{Errors: []string{err.Error()}, Metadata: map[string]any{}}
	}
	return ui.execute(r.Context(), s.acct, a.module, a.function, args)
}

// finish answers after the call: the page again with the errors (422), the
// action's own redirect, the page with the result when it must be shown (a
// new token) or has warnings, or a redirect to the page carrying the
// action's name.
func (ui *UI) finish(w http.ResponseWriter, r *http.Request, s *session, a *action, form url.Values, res *uapi.Result) {
	p := ui.pages[a.page]
	item := a.itemOf(form)
	v := ui.newView(s, p)
	v.posted = a.echo(form)
	if res.Status != 1 {
		errs := res.Errors
		if len(errs) == 0 {
			errs = []string{"The change did not succeed."}
		}
		v.failure = &failure{form: a.name, errors: errs, values: v.posted}
		if a.row {
			v.failure.item = item
		}
		ui.render(w, r, s, p.name, v, http.StatusUnprocessableEntity)
		return
	}
	if a.redirect != "" {
		http.Redirect(w, r, a.redirect, http.StatusSeeOther)
		return
	}
	if next := ui.pages[a.donePage()]; next != p {
		p, v = next, ui.newView(s, next)
		v.posted = a.echo(form)
	}
	if a.show || len(res.Warnings) > 0 || len(res.Messages) > 0 {
		v.Flash = a.message(item)
		if a.show {
			v.Shown = res // only an action that shows data: the others' templates do not expect it
		}
		v.Warnings = append(slices.Clone(res.Warnings), res.Messages...)
		ui.render(w, r, s, p.name, v, http.StatusOK)
		return
	}
	q := url.Values{"done": {a.name}}
	if item != "" {
		q.Set("item", item)
	}
	http.Redirect(w, r, s.base()+p.path+"?"+q.Encode(), http.StatusSeeOther)
}

// echo returns the posted values a form may show again: all but secrets.
func (a *action) echo(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		if !slices.Contains(a.secrets, k) {
			out[k] = v
		}
	}
	return out
}

// methodNotAllowed answers any method but POST on an action's path.
func (ui *UI) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	if !isSessionToken(r.PathValue("session")) {
		ui.notFound(w, r)
		return
	}
	w.Header().Set("Allow", http.MethodPost)
	ui.renderError(w, r, http.StatusMethodNotAllowed, "Method not allowed",
		"This address only takes a form submitted from its page.")
}
