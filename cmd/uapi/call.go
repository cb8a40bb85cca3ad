package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/uapid/uapid/internal/admin"
	"github.com/uapid/uapid/internal/catalog"
	"github.com/uapid/uapid/internal/config"
	"github.com/uapid/uapid/internal/uapi"
)

// call sends the request to the admin socket or the remote server and
// decodes the bare result it answers.
func call(ctx context.Context, o *options) (*uapi.Result, error) {
	args, err := uapi.ArgsFromCLI(o.words)
	if err != nil {
		return nil, err
	}
	form := url.Values(args)
	var body []byte
	if o.url != "" {
		body, err = callRemote(ctx, o, form)
	} else {
		body, err = callLocal(ctx, o, form)
	}
	if err != nil {
		return nil, err
	}
	return uapi.DecodeResult(body)
}

func callLocal(ctx context.Context, o *options, form url.Values) ([]byte, error) {
	socket := o.socket
	if socket == "" {
		cfg, err := config.Load(os.Getenv("UAPID_CONFIG"), os.Getenv)
		if err != nil {
			return nil, err
		}
		socket = cfg.AdminSocket
	}
	return admin.NewClient(socket).Execute(ctx, o.user, o.module, o.function, form)
}

func callRemote(ctx context.Context, o *options, form url.Values) ([]byte, error) {
	if o.token == "" {
		return nil, fmt.Errorf("--url needs an API token in UAPI_TOKEN")
	}
	u := strings.TrimRight(o.url, "/") + "/execute/" + url.PathEscape(o.module) + "/" + url.PathEscape(o.function)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "cpanel "+o.user+":"+o.token)
	client := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: o.insecure}, // only with --insecure, for self-signed servers
	}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s answered HTTP %d", o.url, resp.StatusCode)
	}
	return b, nil
}

func printResult(w io.Writer, o *options, res *uapi.Result) error {
	return uapi.WriteWrapped(w, o.output, uapi.Wrap(o.module, o.function, res))
}

// printHelp prints help generated from the same declarations the daemon
// validates with.
func printHelp(w io.Writer, o *options) error {
	if o.module == "" {
		if _, err := io.WriteString(w, usageText+"\n"); err != nil {
			return err
		}
	}
	return catalog.Registry(catalog.Deps{}).Help(w, o.module, o.function)
}
