package web

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/uapid/uapid/internal/uapi"
)

// shellFieldPrefix marks the form fields that are the function's
// parameters, so that a parameter can never be confused with the shell's
// own fields (module, function, extra, confirm).
const shellFieldPrefix = "arg-"

// maxShellExtra bounds the other-arguments box: far more than any call
// needs; the form as a whole is bounded by maxFormBytes.
const maxShellExtra = 200

// shellParam is one field of the parameter form, built from the
// declaration.
type shellParam struct {
	*uapi.Param
	Field   string // the form field's name
	ID      string // the input's id
	Kind    string // select, number, textarea or text
	Options []string
	Value   string // what the field shows: as posted, or empty
	Facts   string // type, required, default, aliases
}

// shellParams builds the form of f with the values of form (nil: empty).
func shellParams(f *uapi.Func, form url.Values) []shellParam {
	out := make([]shellParam, 0, len(f.Params))
	for i := range f.Params {
		p := &f.Params[i]
		sp := shellParam{Param: p, Field: shellFieldPrefix + p.Name, ID: "shell-arg-" + p.Name,
			Kind: "text", Facts: paramFacts(p)}
		switch {
		case p.Multi:
			sp.Kind = "textarea"
		case p.Type == uapi.Bool:
			sp.Kind, sp.Options = "select", []string{"1", "0"}
		case p.Type == uapi.Enum:
			sp.Kind, sp.Options = "select", p.Values
		case p.Type == uapi.Int || p.Type == uapi.UnixTime:
			sp.Kind = "number"
		}
		if form != nil {
			sp.Value = form.Get(sp.Field)
		}
		out = append(out, sp)
	}
	return out
}

// paramFacts is the line under a field: the registry's facts of p.
func paramFacts(p *uapi.Param) string {
	return strings.Join(p.Facts("one value per line"), ", ")
}

// shellArg is one key=value of a call, in the order the snippets show.
type shellArg struct{ Key, Value string }

// shellArgs turns the posted form into the call's arguments: the filled-in
// parameters in declaration order (a repeatable one as name, name-1,
// name-2, …), then the other arguments in the order typed. A blank field
// is left out, so the function applies its default, except a required
// parameter that may be empty.
func shellArgs(f *uapi.Func, form url.Values) ([]shellArg, []string) {
	var args []shellArg
	for i := range f.Params {
		p := &f.Params[i]
		raw, sent := form[shellFieldPrefix+p.Name]
		v := strings.Join(raw, "")
		switch {
		case p.Multi:
			args = append(args, multiArgs(p.Name, v)...)
		case v != "" || (sent && p.Required && p.AllowEmpty):
			args = append(args, shellArg{Key: p.Name, Value: v})
		}
	}
	extra, errs := extraArgs(form.Get("extra"))
	return append(args, extra...), errs
}

// multiArgs spreads the lines of a repeatable parameter's box over name,
// name-1, name-2, … as the engine collects them.
func multiArgs(name, text string) []shellArg {
	var out []shellArg
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		key := name
		if len(out) > 0 {
			key = fmt.Sprintf("%s-%d", name, len(out))
		}
		out = append(out, shellArg{Key: key, Value: line})
	}
	return out
}

// extraArgs reads the other-arguments box: key=value per line, values as
// typed (not URI-encoded), for api.* post-processing and undeclared keys.
func extraArgs(text string) ([]shellArg, []string) {
	var out []shellArg
	var errs []string
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			errs = append(errs, fmt.Sprintf("Line %d of the other arguments is not key=value.", n+1))
			continue
		}
		out = append(out, shellArg{Key: key, Value: value})
	}
	if len(out) > maxShellExtra {
		errs = append(errs, fmt.Sprintf("At most %d other arguments are allowed.", maxShellExtra))
	}
	return out, errs
}

func sortArgs(args []shellArg) {
	sort.SliceStable(args, func(i, j int) bool { return args[i].Key < args[j].Key })
}
