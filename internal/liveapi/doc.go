// Package liveapi serves cPanel's LiveAPI protocol on a private Unix socket,
// so that plugin programs written for cPanel (Cpanel::LiveAPI in Perl, the
// CPANEL class of LiveAPI PHP, cpanelgo's cpanel.NewLiveApi in Go) run their
// UAPI calls against uapid unchanged.
//
// Each socket belongs to one page: it is made for one hosting account
// before the plugin program starts, answers only processes of that
// program's process group (AllowGroup), runs every call through the engine
// with Transport "liveapi" for that account and no other, and disappears
// with its directory when the page ends (Close). Nothing a client sends can
// name another account: the account is not part of the protocol.
//
// # Wire format
//
// Confirmed against the three clients above (their exec methods):
//
//   - A request is its length in bytes as decimal ASCII digits, a newline,
//     and exactly that many bytes; nothing follows it ("%d\n%s").
//   - The first request is <cpaneljson enable="1">, which switches the
//     answers to JSON. uapid only speaks JSON, so it answers it, and any
//     request before it, the same way.
//   - A call is <cpanelaction>JSON</cpanelaction>, with or without newlines
//     around the JSON (Perl and PHP write them, cpanelgo does not). The JSON
//     object has module, func, reqtype ("exec") and apiversion: "uapi", "3"
//     or 3 for UAPI (uapi() and api3()), "2"/2 and "1"/1 for the old APIs;
//     args, when present, is an object of arguments.
//   - Every answer is `<?xml version="1.0" ?>` and a newline, then
//     <cpanelresult>JSON</cpanelresult> and a newline. Clients read until
//     they see </cpanelresult> (cpanelgo line by line, so the newline after
//     it matters). The JSON is one line with <, > and & escaped, so no
//     value can end an answer early.
//   - A UAPI answer is the wrapped result: {"apiversion":3,"func":…,
//     "module":…,"result":{"data":…,"errors":…,"messages":…,"metadata":…,
//     "status":…,"warnings":…}}. Perl and PHP put it under "cpanelresult"
//     themselves ($r->{cpanelresult}{result}{data}); cpanelgo reads
//     "result".
//   - <cpaneljson …> is answered {"data":{"result":"json"}}.
//   - API 1 and API 2 calls, cPanel tags (<cpanel print="…">) and
//     anything else are answered with an error in the shape each client
//     reads: API 2 as {"cpanelresult":{…,"error":…,"event":{"result":0,…}},
//     "error":…}, the rest as an API 1 event with "error" and
//     "event":{"result":0,"reason":…}.
//   - <cpanelxml shutdown="1" /> ends the session: uapid closes the
//     connection without an answer, which ends the clients' reads (they
//     send it and read to end of file).
//
// A request longer than Config.MaxRequest, a length line that is not a
// number, or a connection from another process group is closed without an
// answer.
package liveapi
