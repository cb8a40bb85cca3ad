package uapi

import (
	"bytes"
	"context"
	"testing"

	"github.com/uapid/uapid/internal/hosting"
)

// helpRegistry declares a few functions using every declaration feature
// the help and the docs show.
func helpRegistry(tb testing.TB) *Registry {
	tb.Helper()
	h := func(context.Context, *Call) (any, error) { return nil, nil }
	reg := NewRegistry()
	reg.Add(
		&Func{Module: "Ftp", Name: "add_ftp", Summary: "Create an FTP account.", Feature: hosting.FeatureFTPAccounts, Returns: "null", Handler: h,
			Params: []Param{
				{Name: "user", Type: Login, Required: true, Aliases: []string{"login"}, Doc: "The login: user or user@domain.", Missing: "You must specify a user name.", Login: &LoginRule{DomainParam: "domain"}},
				{Name: "pass", Required: true, Doc: "The password | in plain text."},
				{Name: "domain", Type: Domain, Doc: "Defaults to the primary domain."},
				{Name: "quota", Type: QuotaMB, Default: "0", Doc: "MiB, or unlimited."},
				{Name: "homedir", Type: RelPath, MaxLen: 255},
			}},
		&Func{Module: "Ftp", Name: "list_ftp", Summary: "List FTP accounts.", Returns: "list", ReadOnly: true, Handler: h,
			Params: []Param{{Name: "include_acct_types", Type: Enum, Values: []string{"main", "sub"}, Multi: true}}},
		&Func{Module: "Ftp", Name: "set_welcome_message", Summary: "Set the welcome message.", Handler: h,
			Params: []Param{{Name: "message", Required: true, AllowEmpty: true, Doc: "Shown after login.\nMay be empty."}}},
		&Func{Module: "Ftp", Name: "server_name", Summary: "Name the FTP daemon.", Returns: "string", Handler: h},
		&Func{Module: "UserManager", Name: "edit_user", Summary: "Change a subaccount.", Nested: true, Extension: true, Returns: "object", Handler: h},
	)
	return reg
}

func TestHelpGolden(t *testing.T) {
	t.Parallel()
	reg := helpRegistry(t)
	for _, tt := range []struct{ name, module, function string }{
		{"modules", "", ""},
		{"module", "Ftp", ""},
		{"function", "Ftp", "add_ftp"},
		{"function_multi", "Ftp", "list_ftp"},
		{"function_no_params", "UserManager", "edit_user"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := reg.Help(&buf, tt.module, tt.function); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "help_"+tt.name+".golden", buf.Bytes())
		})
	}
}

func TestHelpUnknown(t *testing.T) {
	t.Parallel()
	reg := helpRegistry(t)
	for _, tt := range []struct{ name, module, function, want string }{
		{"module", "Nope", "", "The system could not find the module “Nope”."},
		{"module with function", "Nope", "add_ftp", "The system could not find the module “Nope”."},
		{"function", "Ftp", "nope", "The system could not find the function “nope” in the module “Ftp”."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			err := reg.Help(&buf, tt.module, tt.function)
			if err == nil || err.Error() != tt.want || buf.Len() != 0 {
				t.Fatalf("error %v output %q, want error %q and no output", err, buf.String(), tt.want)
			}
		})
	}
}

func TestWriteMarkdownGolden(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := helpRegistry(t).WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "api_md.golden", buf.Bytes())
}
