package uapi

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Help writes the uapi command line's help, generated from the
// declarations: with no module, the usage and the module list; with a
// module, its functions; with a function too, its parameters. An unknown
// module or function is an error, worded like the engine's.
func (r *Registry) Help(w io.Writer, module, function string) error {
	if module == "" {
		return r.helpModules(w)
	}
	if _, ok := r.modules[module]; !ok {
		return fmt.Errorf("The system could not find the module “%s”.", module)
	}
	if function == "" {
		return r.helpModule(w, module)
	}
	fn, _ := r.Lookup(module, function)
	if fn == nil {
		return fmt.Errorf("The system could not find the function “%s” in the module “%s”.", function, module)
	}
	return helpFunc(w, fn)
}

const helpUsage = `Usage: uapi [--output=FORMAT] [--user=USER] Module function [key=value ...]
       uapi [Module [function]] --help

Runs one UAPI function for an account and prints the result wrapped in
apiversion, func and module. Values must be URI-encoded (%%40 for @).
Repeat a parameter as name-1=... name-2=...; nested keys are dotted
(services.ftp.enabled=1).

Output formats: %s (yaml is the default).

Every function that returns a list also takes:
  api.filter_column, api.filter_type, api.filter_term   filter (suffix _0, _1, ... for more)
  api.sort_column, api.sort_method, api.sort_reverse    sort (suffix _0, _1, ... for more keys)
  api.paginate_start, api.paginate_size                 page (1-based start, 100 per page)
  api.columns_1, api.columns_2, ...                     keep only these fields
`

func (r *Registry) helpModules(w io.Writer) error {
	if _, err := fmt.Fprintf(w, helpUsage, strings.Join(Formats(), ", ")); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nModules:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, m := range r.Modules() {
		n := len(r.modules[m])
		fmt.Fprintf(tw, "  %s\t%d %s\n", m, n, plural(n, "function", "functions"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nRun `uapi Module --help` for a module's functions.")
	return err
}

func (r *Registry) helpModule(w io.Writer, module string) error {
	fmt.Fprintf(w, "Module %s\n\n", module)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range r.Funcs(module) {
		fmt.Fprintf(tw, "  %s\t%s\n", f.Name, funcSummary(f))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nRun `uapi %s function --help` for a function's parameters.\n", module)
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// funcSummary is the summary plus the notes a caller needs before calling.
func funcSummary(f *Func) string {
	s := f.Summary
	if f.Feature != "" {
		s += " [feature: " + f.Feature + "]"
	}
	if f.Extension {
		s += " [uapid extension]"
	}
	return s
}

func helpFunc(w io.Writer, f *Func) error {
	fmt.Fprintf(w, "%s::%s\n  %s\n\n", f.Module, f.Name, funcSummary(f))
	fmt.Fprintf(w, "Usage: uapi %s\n", usageLine(f))
	if f.Returns != "" {
		fmt.Fprintf(w, "Returns: %s\n", f.Returns)
	}
	if f.ReadOnly {
		fmt.Fprintln(w, "Only reads: changes nothing.")
	}
	if f.Nested {
		fmt.Fprintln(w, "Accepts nested keys (a.b.c=value, or nested objects in a JSON body).")
	}
	if len(f.Params) == 0 {
		_, err := fmt.Fprintln(w, "\nNo parameters.")
		return err
	}
	fmt.Fprintln(w, "\nParameters:")
	for i := range f.Params {
		p := &f.Params[i]
		fmt.Fprintf(w, "  %s (%s)\n", p.Name, strings.Join(paramFacts(p), ", "))
		if p.Doc != "" {
			fmt.Fprintf(w, "      %s\n", p.Doc)
		}
	}
	return nil
}

// usageLine shows the call with required parameters bare and optional ones
// in brackets.
func usageLine(f *Func) string {
	parts := []string{f.Module, f.Name}
	for _, p := range f.Params {
		arg := p.Name + "=" + strings.ToUpper(strings.ReplaceAll(p.Type.String(), " ", "_"))
		if p.Multi {
			arg += " " + p.Name + "-1=..."
		}
		if !p.Required {
			arg = "[" + arg + "]"
		}
		parts = append(parts, arg)
	}
	return strings.Join(parts, " ")
}

// paramFacts lists a parameter's type and constraints, shared by the help
// text and the Markdown page.
func paramFacts(p *Param) []string {
	return p.Facts("repeatable as " + p.Name + "-1, " + p.Name + "-2, ...")
}

// Facts lists the parameter's type and constraints as its declaration
// states them, for every place that describes it (CLI help, the reference
// page, the API Shell's form); repeat says how a repeatable parameter is
// given in that place.
func (p *Param) Facts(repeat string) []string {
	facts := []string{p.Type.String()}
	if p.Required {
		facts = append(facts, "required")
		if p.AllowEmpty {
			facts = append(facts, "may be empty")
		}
	}
	if p.Default != "" {
		facts = append(facts, "default "+p.Default)
	}
	if len(p.Aliases) > 0 {
		facts = append(facts, "aliases "+strings.Join(p.Aliases, ", "))
	}
	if len(p.Values) > 0 {
		facts = append(facts, "one of "+strings.Join(p.Values, "|"))
	}
	if p.Multi {
		facts = append(facts, repeat)
	}
	if p.MaxLen > 0 {
		facts = append(facts, fmt.Sprintf("at most %d characters", p.MaxLen))
	}
	return facts
}

// WriteMarkdown writes the reference page of every function (docs/api.md):
// per module, per function, its summary and one table of parameters.
func (r *Registry) WriteMarkdown(w io.Writer) error {
	fmt.Fprint(w, "# UAPI functions\n\nGenerated from the uapid registry; do not edit by hand.\n")
	fmt.Fprint(w, "Every function that returns a list also takes the `api.filter_*`, `api.sort_*`, ")
	fmt.Fprint(w, "`api.paginate_*` and `api.columns_*` arguments. ")
	fmt.Fprint(w, "The server also serves this registry as an OpenAPI 3 description at `GET /openapi.json`.\n")
	for _, m := range r.Modules() {
		fmt.Fprintf(w, "\n## %s\n", m)
		for _, f := range r.Funcs(m) {
			if err := markdownFunc(w, f); err != nil {
				return err
			}
		}
	}
	return nil
}

func markdownFunc(w io.Writer, f *Func) error {
	fmt.Fprintf(w, "\n### %s::%s\n\n%s\n\n", f.Module, f.Name, mdEscape(f.Summary))
	var notes []string
	if f.Feature != "" {
		notes = append(notes, "Feature: `"+f.Feature+"`.")
	}
	if f.Returns != "" {
		notes = append(notes, "Returns: "+f.Returns+".")
	}
	if f.ReadOnly {
		notes = append(notes, "Only reads.")
	}
	if f.Nested {
		notes = append(notes, "Accepts nested keys.")
	}
	if f.Extension {
		notes = append(notes, "uapid extension (not in cPanel).")
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "%s\n\n", strings.Join(notes, " "))
	}
	if len(f.Params) == 0 {
		_, err := fmt.Fprintln(w, "No parameters.")
		return err
	}
	fmt.Fprintln(w, "| Parameter | Type | Required | Default | Aliases | Values | Description |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for i := range f.Params {
		if _, err := fmt.Fprintln(w, markdownRow(&f.Params[i])); err != nil {
			return err
		}
	}
	return nil
}

func markdownRow(p *Param) string {
	name := "`" + p.Name + "`"
	if p.Multi {
		name += " (repeatable: `" + p.Name + "-1`, `" + p.Name + "-2`, …)"
	}
	req := "no"
	if p.Required {
		req = "yes"
		if p.AllowEmpty {
			req = "yes (may be empty)"
		}
	}
	def := ""
	if p.Default != "" {
		def = "`" + mdEscape(p.Default) + "`"
	}
	doc := p.Doc
	if p.MaxLen > 0 {
		doc = strings.TrimSpace(fmt.Sprintf("%s At most %d characters.", doc, p.MaxLen))
	}
	cells := []string{name, p.Type.String(), req, def, mdCodeList(p.Aliases), mdCodeList(p.Values), mdEscape(doc)}
	return "| " + strings.Join(cells, " | ") + " |"
}

func mdCodeList(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "`" + mdEscape(v) + "`"
	}
	return strings.Join(out, ", ")
}

// mdEscape keeps text inside one table cell.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ").Replace(s)
}
