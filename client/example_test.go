package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"
	"time"

	"github.com/uapid/uapid/client"
)

// Connect with the account's password (HTTP Basic) and manage FTP logins.
func ExampleNew() {
	baseURL, stop := startUapid() // for example "https://host.example:2083"
	defer stop()
	ctx := context.Background()

	c, err := client.New(baseURL,
		client.WithBasicAuth("demo", "Demo-pass-1234"),
		client.WithInsecureSkipVerify()) // uapid's own self-signed certificate
	if err != nil {
		log.Fatal(err)
	}
	err = c.Ftp().AddFTP(ctx, client.AddFTPParams{User: "bob", Pass: "Bob-pass-1234", Quota: 100})
	if err != nil {
		log.Fatal(err)
	}
	subs, err := c.Ftp().ListFTP(ctx, client.ListFTPParams{IncludeAcctTypes: []string{client.FTPTypeSub}})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range subs {
		fmt.Println(a.User, a.Type)
	}
	// Output:
	// bob@example.com sub
}

// Create an API token once, then use it instead of the password.
func ExampleWithToken() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()

	admin, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	tok, err := admin.Tokens().CreateFullAccess(ctx, "deploy", time.Now().AddDate(0, 1, 0))
	if err != nil {
		log.Fatal(err)
	}

	// tok.Token is shown only once: keep it in a secret store.
	c, err := client.New(baseURL, client.WithToken("demo", tok.Token), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := c.Tokens().List(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(tok.Token), tokens[0].Name, tokens[0].ExpiresAt != nil)
	// Output:
	// 32 deploy true
}

// Log in once and call functions in the session, as cPanel's own pages do.
func ExampleLogin() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()

	c, err := client.Login(ctx, baseURL, "demo", "Demo-pass-1234", client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	name, err := c.Ftp().ServerName(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(name)
	if err := c.Logout(ctx); err != nil {
		log.Fatal(err)
	}
	_, err = c.Ftp().ServerName(ctx)
	fmt.Println(errors.Is(err, client.ErrNotLoggedIn))
	// Output:
	// pure-ftpd
	// true
}

// Call any function by name, with cPanel's sorting and paging arguments,
// and read the whole result object.
func ExampleClient_Call() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	for _, user := range []string{"carol", "alice", "bob"} {
		if _, err := c.Email().AddPop(ctx, client.AddPopParams{Email: user, Password: "Mail-pass-1234"}); err != nil {
			log.Fatal(err)
		}
	}

	r, err := c.Call(ctx, "Email", "list_pops", url.Values{
		"skip_main":         {"1"},
		"api.sort_column":   {"email"},
		"api.paginate_size": {"2"},
	})
	if err != nil {
		log.Fatal(err)
	}
	var page []client.EmailAccount
	if err := r.Decode(&page); err != nil {
		log.Fatal(err)
	}
	paginate := r.Metadata["paginate"].(map[string]any)
	fmt.Println(r.Status, page[0].Email, page[1].Email, paginate["total_results"])
	// Output:
	// 1 alice@example.com bob@example.com 3
}

// Decode a function's data into a type of your own.
func ExampleClient_CallInto() {
	baseURL, stop := startUapid()
	defer stop()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	var info struct {
		Name     string `json:"name"`
		Supports struct {
			Quota int `json:"quota"`
		} `json:"supports"`
	}
	if err := c.CallInto(context.Background(), "Ftp", "get_ftp_daemon_info", nil, &info); err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Name, info.Supports.Quota)
	// Output:
	// pure-ftpd 1
}

// A function that fails returns an *Error with cPanel's messages.
func ExampleError() {
	baseURL, stop := startUapid()
	defer stop()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	err = c.Email().PasswdPop(context.Background(), client.PasswdPopParams{Email: "nobody", Password: "x-Pass-1234"})
	var ue *client.Error
	if errors.As(err, &ue) {
		fmt.Println(ue.Module, ue.Func, ue.Errors)
	}
	// Output:
	// Email passwd_pop [The email account “nobody@example.com” does not exist.]
}

// Typed errors, such as a Subaccount that exists already, are told apart
// by Type, not by their text.
func ExampleError_Type() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	p := client.CreateUserParams{Username: "bob", Domain: "example.com", Password: "Bob-pass-1234",
		Services: client.UserServicesParams{Email: client.UserEmailParams{Enabled: new(true)}}}
	for range 2 {
		_, err = c.UserManager().CreateUser(ctx, p)
	}
	var ue *client.Error
	fmt.Println(errors.As(err, &ue) && ue.Type() == client.ErrAlreadyExists)
	// Output:
	// true
}

// A request the server refuses before running anything is an *HTTPError.
func ExampleHTTPError() {
	baseURL, stop := startUapid()
	defer stop()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "wrong"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Tokens().List(context.Background())
	var he *client.HTTPError
	if errors.As(err, &he) {
		fmt.Println(he.StatusCode, he.Message)
	}
	// Output:
	// 401 Access denied
}

// Create a Subaccount with an email account and an FTP login that share
// its password.
func ExampleUserManagerModule_CreateUser() {
	baseURL, stop := startUapid()
	defer stop()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	u, err := c.UserManager().CreateUser(context.Background(), client.CreateUserParams{
		Username: "bob", Domain: "example.com", Password: "Bob-pass-1234", RealName: "Bob Example",
		Services: client.UserServicesParams{
			Email: client.UserEmailParams{Enabled: new(true), Quota: new(int64(500))},
			FTP:   client.UserFTPParams{Enabled: new(true), Homedir: "public_html/bob"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.FullUsername, u.Type, u.Services.Email.Quota, u.Services.FTP.Homedir, u.Services.WebDisk.Enabled)
	// Output:
	// bob@example.com sub 500 public_html/bob 0
}

// Add a mailbox and read its quota back.
func ExampleEmailModule_AddPop() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	m := c.Email()
	added, err := m.AddPop(ctx, client.AddPopParams{Email: "info", Domain: "example.net", Password: "Info-pass-1234",
		Quota: new(int64(0))}) // 0: unlimited; nil: the server's default
	if err != nil {
		log.Fatal(err)
	}
	q, err := m.GetPopQuota(ctx, client.GetPopQuotaParams{Email: "info@example.net"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(added, q)
	// Output:
	// info+example.net unlimited
}

// Give a Web Disk login read-only access to a directory.
func ExampleWebDiskModule_AddUser() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.WebDisk().AddUser(ctx, client.WebDiskAddUserParams{User: "photos@example.com", Password: "Photo-pass-1234",
		Homedir: "public_html/photos", Perms: client.WebDiskReadOnly})
	if err != nil {
		log.Fatal(err)
	}
	users, err := c.WebDisk().ListUsers(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(users[0].Login, users[0].RelDir, users[0].Perms)
	// Output:
	// photos@example.com public_html/photos ro
}

// Close the FTP sessions of one login by their PIDs, which works on cPanel
// too (cPanel's kill_session takes a PID or "all", never a login name).
func ExampleFTPModule_KillSession() {
	baseURL, stop := startUapid()
	defer stop()
	ctx := context.Background()
	c, err := client.New(baseURL, client.WithBasicAuth("demo", "Demo-pass-1234"), client.WithInsecureSkipVerify())
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := c.Ftp().ListSessions(ctx)
	if err != nil {
		log.Fatal(err)
	}
	closed := 0
	for _, s := range sessions {
		if s.User == "bob@example.com" {
			if err := c.Ftp().KillSession(ctx, s.PID.String()); err != nil {
				log.Fatal(err)
			}
			closed++
		}
	}
	fmt.Println(closed, "sessions closed")
	// Output:
	// 0 sessions closed
}
