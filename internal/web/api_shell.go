package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/uapi"
)

// apiShellPath is where the API Shell lives below the session prefix, as in
// cPanel (Home » Advanced » API Shell).
const apiShellPath = "/api_shell"

// apiShellPage runs any registered function with a form built from its
// declaration and shows the answer and the same call in every form cPanel's
// documentation uses. GET chooses (?module=M&function=F); POST runs.
func apiShellPage() *page {
	return &page{name: "api_shell", path: apiShellPath, title: "API Shell", prepare: prepareAPIShell}
}

// shellView is the API Shell's part of the view.
type shellView struct {
	Modules  []shellModule
	Func     *uapi.Func // the chosen function; nil when none is
	Unknown  string     // what was asked for when it is not registered
	Params   []shellParam
	Extra    string   // the other arguments, key=value per line
	Errors   []string // why the form could not be turned into a call
	Confirm  bool     // the function changes something: ask before running it
	Hidden   []shellArg
	Snippets []snippet
	Result   string // the answer as indented JSON
	Status   int
	Elapsed  string
	Ran      bool
}

type shellModule struct {
	Name  string
	Funcs []*uapi.Func
}

// Selected reports whether f is the chosen function.
func (s *shellView) Selected(f *uapi.Func) bool { return s.Func == f }

// prepareAPIShell fills the view of a GET: the chooser, and the chosen
// function's empty form with the snippets of a call without arguments.
func prepareAPIShell(ui *UI, r *http.Request, v *view) {
	q := r.URL.Query()
	module, function := q.Get("module"), q.Get("function")
	if call := q.Get("call"); call != "" { // the chooser's select: Module::function
		module, function, _ = strings.Cut(call, "::")
	}
	v.Shell = ui.shellView(module, function)
	if f := v.Shell.Func; f != nil {
		v.Shell.Params = shellParams(f, nil)
		v.Shell.Snippets = snippets(snippetTarget(r, v), f, nil)
	}
}

// shellView returns the chooser with module::function chosen, if it is
// registered.
func (ui *UI) shellView(module, function string) *shellView {
	reg := ui.eng.Registry()
	s := &shellView{}
	for _, m := range reg.Modules() {
		s.Modules = append(s.Modules, shellModule{Name: m, Funcs: reg.Funcs(m)})
	}
	if module == "" && function == "" {
		return s
	}
	if f, _ := reg.Lookup(module, function); f != nil {
		s.Func = f
	} else {
		s.Unknown = module + "::" + function
	}
	return s
}

// apiShellRun answers POST on the API Shell: the form becomes the call's
// arguments; a function that only reads runs at once, any other only after
// the confirmation step. The token in the path is the CSRF guard, as for
// every action.
func (ui *UI) apiShellRun(w http.ResponseWriter, r *http.Request) {
	p := ui.pages["api_shell"]
	s := ui.session(w, r, p.path)
	if s == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		ui.renderError(w, r, http.StatusBadRequest, "Bad request", "The form could not be read.")
		return
	}
	form := r.PostForm
	v := ui.newView(s, p)
	sh := ui.shellView(form.Get("module"), form.Get("function"))
	v.Shell = sh
	if sh.Func == nil {
		if sh.Unknown == "" {
			sh.Unknown = "::"
		}
		ui.render(w, r, s, p.name, v, http.StatusUnprocessableEntity)
		return
	}
	args, errs := shellArgs(sh.Func, form)
	sh.Params, sh.Extra = shellParams(sh.Func, form), form.Get("extra")
	sh.Snippets = snippets(snippetTarget(r, v), sh.Func, args)
	switch {
	case len(errs) > 0:
		sh.Errors = errs
	case !sh.Func.ReadOnly && form.Get("confirm") != "1":
		sh.Confirm, sh.Hidden = true, hiddenFields(form)
	default:
		ui.shellRun(r, s, sh, args)
	}
	ui.render(w, r, s, p.name, v, http.StatusOK)
}

// shellRun runs the call and records the answer as indented JSON (the bare
// result the HTTP API sends) and the time the engine took.
func (ui *UI) shellRun(r *http.Request, s *session, sh *shellView, args []shellArg) {
	a := uapi.Args{}
	for _, arg := range args {
		a.Add(arg.Key, arg.Value)
	}
	start := time.Now()
	res := ui.eng.Execute(r.Context(), uapi.Request{Account: s.acct, Module: sh.Func.Module,
		Function: sh.Func.Name, Args: a, Transport: "web"})
	sh.Elapsed = formatElapsed(time.Since(start))
	sh.Ran, sh.Status = true, res.Status
	text, err := prettyResult(res)
	if err != nil {
		id := uapi.RequestID(r.Context())
		ui.log.ErrorContext(r.Context(), "web: api shell result", "req_id", id, "account", s.acct.Name,
			"module", sh.Func.Module, "function", sh.Func.Name, "err", err)
		text = internalMessage(id)
	}
	sh.Result = text
}

// prettyResult writes the result object indented by three spaces, like
// cPanel's jsonpretty, with its keys sorted.
func prettyResult(res *uapi.Result) (string, error) {
	tree, err := uapi.Generic(res)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // html/template escapes the page; the JSON shows what the API sends
	enc.SetIndent("", "   ")
	if err := enc.Encode(tree); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func formatElapsed(d time.Duration) string {
	if d < time.Millisecond {
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// hiddenFields carries the form into the confirmation step unchanged.
func hiddenFields(form url.Values) []shellArg {
	var out []shellArg
	for k, vs := range form {
		if k == "confirm" {
			continue
		}
		for _, v := range vs {
			out = append(out, shellArg{Key: k, Value: v})
		}
	}
	sortArgs(out)
	return out
}

// snippetTarget is who and where the snippets call: the session's URL
// prefix on this host, and the account for uapi --user.
func snippetTarget(r *http.Request, v *view) target {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return target{base: scheme + "://" + r.Host + v.Base, user: v.Account.Name}
}
