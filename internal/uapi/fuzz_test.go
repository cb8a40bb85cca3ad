package uapi

import (
	"encoding/json"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// FuzzArgsFromCLI checks that decoding command-line words never panics,
// never yields an empty key, and that what it decodes survives encoding
// each key and value again.
func FuzzArgsFromCLI(f *testing.F) {
	for _, seed := range []string{
		"user=bob domain=example.com",
		"email=bob%40example.com pass=a%2Bb+c",
		"command-1=a command-0=b command=c",
		"flag", "=x", "a=%", "%zz=1", "a==b", "services.ftp.enabled=1",
		"k=%E2%98%83 k=%00", "api.filter_column=user api.filter_term=%25",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		a, err := ArgsFromCLI(words)
		if err != nil {
			return
		}
		var again []string
		for _, k := range sortedKeys(a) {
			if k == "" {
				t.Fatalf("empty key from %q", words)
			}
			for _, v := range a[k] {
				again = append(again, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
		b, err := ArgsFromCLI(again)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip of %q: %v, %v; want %v", words, b, err, a)
		}
	})
}

// FuzzArgsFromJSON checks that any body either fails or gives flat string
// arguments that read the same when encoded again as a flat object.
func FuzzArgsFromJSON(f *testing.F) {
	for _, seed := range []string{
		`{"user":"bob","quota":10,"kill":true,"none":null}`,
		`{"services":{"ftp":{"enabled":1,"homedir":"public_html/bob"}}}`,
		`{"command":["a","b",3]}`, `{"a.b":1,"a":{"b":2}}`, `{"a":[{"b":1}]}`,
		`null`, `[]`, `{}`, `{"a":1} x`, `{"n":1e400}`, `{"\u0000":"\ud800"}`, `{"a":{"b":{"c":{"d":[]}}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, nested, err := ArgsFromJSON(body)
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		again, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		b, nestedAgain, err := ArgsFromJSON(again)
		if err != nil || nestedAgain {
			t.Fatalf("flat re-encoding %s of %q: nested %v, %v", again, body, nestedAgain, err)
		}
		if !sameArgs(a, b) {
			t.Fatalf("round trip of %q (nested %v): %v, want %v", body, nested, b, a)
		}
	})
}

// sameArgs compares two Args, treating a key without values as absent (an
// empty JSON array adds nothing).
func sameArgs(a, b Args) bool {
	for k, vs := range a {
		if len(vs) != len(b[k]) || (len(vs) > 0 && !reflect.DeepEqual(vs, b[k])) {
			return false
		}
	}
	for k, vs := range b {
		if len(vs) != len(a[k]) {
			return false
		}
	}
	return true
}

// FuzzNormalizeRelPath checks the path rules every file operation relies
// on: the result never climbs out of the home directory, is relative, is
// already clean, and normalising it again changes nothing.
func FuzzNormalizeRelPath(f *testing.F) {
	for _, seed := range []string{
		"", "/", ".", "..", "../../etc/passwd", "a/../../b", `..\..\windows`, "./a/./b/", "....//",
		"a/b/../c", "/home/user/public_html", "a//b///c", ".../x", "..a/b..", "a\x00b", "☃/../☃",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := normalizeRelPath("homedir", in)
		if err != nil {
			if !strings.ContainsRune(in, 0) {
				t.Fatalf("normalizeRelPath(%q) failed: %v", in, err)
			}
			return
		}
		for _, part := range strings.Split(out, "/") {
			if part == ".." {
				t.Fatalf("normalizeRelPath(%q) = %q climbs out", in, out)
			}
		}
		if strings.HasPrefix(out, "/") || strings.Contains(out, `\`) {
			t.Fatalf("normalizeRelPath(%q) = %q is not relative", in, out)
		}
		if out != "" && path.Clean(out) != out {
			t.Fatalf("normalizeRelPath(%q) = %q is not clean", in, out)
		}
		if again, err := normalizeRelPath("homedir", out); err != nil || again != out {
			t.Fatalf("normalizing %q again gave %q, %v", out, again, err)
		}
	})
}

// FuzzPostProcess feeds arbitrary api.* arguments to the list
// post-processing: it must never panic, always answer a list no longer than
// the input, and fail only with the start-index error.
func FuzzPostProcess(f *testing.F) {
	for _, seed := range []string{
		"api.filter_column=user api.filter_term=a",
		"api.filter_column_1=diskquota api.filter_type_1=lt_handle_unlimited api.filter_term_1=100",
		"api.filter_column=user api.filter_type=matches api.filter_term=(",
		"api.sort_column=ip api.sort_method=ipv4 api.sort_column_0=user api.sort_reverse_0=1",
		"api.paginate_start=3 api.paginate_size=2", "api.paginate_page=9223372036854775807 api.paginate_size=1073741824",
		"api.paginate_start=-1", "api.columns_1=user api.columns_x=nope", "api.filter_column_99999999999=x",
	} {
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, line string, scalars bool) {
		args, err := ArgsFromCLI(strings.Fields(line))
		if err != nil {
			return
		}
		var data any = ftpRecords()
		if scalars {
			data = []string{"b", "a", "c", "10.0.0.1", "unlimited"}
		}
		res := newResult()
		res.Data = data
		postProcess(res, args)
		tree, err := Generic(res.Data)
		list, ok := tree.([]any)
		if err != nil || !ok || len(list) > 5 {
			t.Fatalf("data %#v (%v) after %q", res.Data, err, line)
		}
		if res.Status == 0 && (len(res.Errors) != 1 || !strings.HasPrefix(res.Errors[0], "The start index (")) {
			t.Fatalf("errors %q after %q", res.Errors, line)
		}
	})
}

// FuzzResolveLogin checks the login parser every Ftp, Email and Web Disk
// handler relies on: it never panics, fails only with EINVALID, and a login
// it accepts has a non-empty lower-case user part without "@" or
// whitespace, a domain the account owns, and reads back as itself.
func FuzzResolveLogin(f *testing.F) {
	for _, seed := range []struct{ user, domain string }{
		{"bob", ""}, {"bob@example.net", ""}, {"Bob @ Example.NET.", ""}, {"bob@example.net", "example.net"},
		{"bob@example.net", "example.com"}, {"@example.com", ""}, {"a@b@example.com", ""}, {"bob@other.org", ""},
		{"bob@", ""}, {"", "example.net"}, {"\u00a0b\tob\u2003", ""}, {"BOB@EXAMPLE.COM", "example.com"}, {"☃@xn--n3h.example", ""},
	} {
		f.Add(seed.user, seed.domain, false)
	}
	acct := mustAccount(f)
	f.Fuzz(func(t *testing.T, raw, domain string, exclusive bool) {
		if !acct.OwnsDomain(domain) {
			domain = "" // the engine has refused any other domain parameter
		}
		p := &Param{Name: "user", Type: Login, Login: &LoginRule{DomainParam: "domain"}}
		if exclusive {
			p.Login.Exclusive = "both"
		}
		l, err := resolveLogin(acct, p, raw, domain)
		if err != nil {
			if hosting.ErrorCode(err) != hosting.EINVALID {
				t.Fatalf("resolveLogin(%q, %q): %v is not EINVALID", raw, domain, err)
			}
			return
		}
		if l.User == "" || l.User != strings.ToLower(l.User) || strings.ContainsAny(l.User, "@ \t\r\n") || !acct.OwnsDomain(l.Domain) {
			t.Fatalf("resolveLogin(%q, %q) = %+v", raw, domain, l)
		}
		if again, err := resolveLogin(acct, p, l.String(), ""); err != nil || again != l {
			t.Fatalf("%q read back as %+v, %v; want %+v", l.String(), again, err, l)
		}
	})
}

// FuzzUnderHome checks that reading an absolute path inside the home as
// relative keeps every RelPath below the home: relative, clean, and
// without "..".
func FuzzUnderHome(f *testing.F) {
	for _, seed := range []string{
		"/home/cpuser", "/home/cpuser/", "/home/cpuser/public_html", "/home/cpuser/../x", "/home/cpuser2/x",
		"/home/cpuser/../../etc", "home/cpuser/x", "/", "//home//cpuser//a", `\home\cpuser\x`, "/home/cpuser/..",
	} {
		f.Add(seed)
	}
	acct := mustAccount(f)
	f.Fuzz(func(t *testing.T, raw string) {
		rel, err := normalizeRelPath("homedir", raw)
		if err != nil {
			return
		}
		out := underHome(acct, raw, rel)
		if strings.HasPrefix(out, "/") || (out != "" && path.Clean(out) != out) || slices.Contains(strings.Split(out, "/"), "..") {
			t.Fatalf("underHome(%q) = %q", raw, out)
		}
		if out != rel && !strings.HasSuffix(rel, out) {
			t.Fatalf("underHome(%q) = %q is not the end of %q", raw, out, rel)
		}
	})
}
