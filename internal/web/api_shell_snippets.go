package web

import (
	"fmt"
	"strings"

	"github.com/uapid/uapid/internal/uapi"
)

// snippet is the chosen call written one way, as cPanel's documentation
// shows every function: session URL, command line, LiveAPI PHP, LiveAPI
// Perl and Template Toolkit.
type snippet struct {
	ID, Title, Lang, Code string
}

// target is where and as whom the snippets call.
type target struct {
	base string // scheme://host/cpsessNNNNNNNNNN
	user string
}

// snippets writes f called with args in the five forms of cPanel's
// documentation pages, with the same keys and values the shell sends.
func snippets(t target, f *uapi.Func, args []shellArg) []snippet {
	return []snippet{
		{ID: "url", Title: "cPanel or Webmail Session URL", Lang: "url", Code: snippetURL(t, f, args)},
		{ID: "cli", Title: "Command Line", Lang: "shell", Code: snippetCLI(t, f, args)},
		{ID: "php", Title: "LiveAPI PHP Class", Lang: "php", Code: snippetPHP(f, args)},
		{ID: "perl", Title: "LiveAPI Perl Module", Lang: "perl", Code: snippetPerl(f, args)},
		{ID: "tt", Title: "cPanel Template Toolkit", Lang: "tt", Code: snippetTT(f, args)},
	}
}

func snippetURL(t target, f *uapi.Func, args []shellArg) string {
	var q []string
	for _, a := range args {
		q = append(q, uriEncode(a.Key)+"="+uriEncode(a.Value))
	}
	u := t.base + "/execute/" + f.Module + "/" + f.Name
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}

// snippetCLI writes the uapi command line. Values are URI-encoded, as
// cPanel requires; the encoding leaves nothing a shell would interpret.
func snippetCLI(t target, f *uapi.Func, args []shellArg) string {
	words := []string{"uapi", "--user=" + uriEncode(t.user), f.Module, f.Name}
	for _, a := range args {
		words = append(words, uriEncode(a.Key)+"="+uriEncode(a.Value))
	}
	return strings.Join(words, " ")
}

func snippetPHP(f *uapi.Func, args []shellArg) string {
	var b strings.Builder
	b.WriteString("$cpanel = new CPANEL(); // Connect to cPanel - only do this once.\n\n")
	fmt.Fprintf(&b, "// %s\n", f.Summary)
	fmt.Fprintf(&b, "$result = $cpanel->uapi(\n    %s, %s,\n    array(\n", quoteSingle(f.Module), quoteSingle(f.Name))
	for _, a := range args {
		fmt.Fprintf(&b, "        %s => %s,\n", quoteSingle(a.Key), quoteSingle(a.Value))
	}
	b.WriteString("    )\n);")
	return b.String()
}

func snippetPerl(f *uapi.Func, args []shellArg) string {
	var b strings.Builder
	b.WriteString("my $cpliveapi = Cpanel::LiveAPI->new(); # Connect to cPanel - only do this once.\n\n")
	fmt.Fprintf(&b, "# %s\n", f.Summary)
	fmt.Fprintf(&b, "my $result = $cpliveapi->uapi(\n    %s, %s,\n    {\n", quoteSingle(f.Module), quoteSingle(f.Name))
	for _, a := range args {
		fmt.Fprintf(&b, "        %s => %s,\n", quoteSingle(a.Key), quoteSingle(a.Value))
	}
	b.WriteString("    }\n);")
	return b.String()
}

func snippetTT(f *uapi.Func, args []shellArg) string {
	pairs := make([]string, 0, len(args))
	for _, a := range args {
		pairs = append(pairs, quoteTT(a.Key)+" => "+quoteTT(a.Value))
	}
	hash := "{}"
	if len(pairs) > 0 {
		hash = "{ " + strings.Join(pairs, ", ") + " }"
	}
	return fmt.Sprintf("<!-- %s -->\n[%% execute(%s, %s, %s) %%]",
		strings.NewReplacer("--", "- -", "[%", "[ %").Replace(f.Summary), quoteSingle(f.Module), quoteSingle(f.Name), hash)
}

// quoteTT is quoteSingle for Template Toolkit, which ends a directive at
// the first "%]" even inside a string: such a string is written as two
// literals joined with TT's "_", split between the "%" and the "]".
func quoteTT(s string) string {
	parts := strings.Split(s, "%]")
	for i := range parts {
		if i > 0 {
			parts[i] = "]" + parts[i]
		}
		if i < len(parts)-1 {
			parts[i] += "%"
		}
		parts[i] = quoteSingle(parts[i])
	}
	return strings.Join(parts, " _ ")
}

// quoteSingle writes s as a single-quoted string literal of PHP, Perl and
// Template Toolkit: all three read \\ and \' inside single quotes and
// nothing else, so s comes out exactly, whatever it holds.
func quoteSingle(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// uriEncode percent-encodes every byte but the unreserved characters of
// RFC 3986, as cPanel asks of URL and command-line values (%40 for @).
func uriEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
