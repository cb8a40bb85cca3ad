// Package httpapi is uapid's HTTP transport for UAPI: the cPanel URL forms
// /execute/Module/function (HTTP Basic or "Authorization: cpanel USER:TOKEN")
// and /cpsessNNNNNNNNNN/execute/Module/function (login session cookie plus
// the security token in the path), the /login/ and /logout/ endpoints that
// open and close those sessions, /healthz, /metrics and /openapi.json (the
// OpenAPI 3 description the registry generates).
//
// Every route lives in one table (routes.go). Handlers return errors and one
// wrapper renders them (errors.go), so every failure a client sees is a JSON
// body it can parse, and every unexpected one carries a request id that is
// also in the server log. Function-level failures are not HTTP errors: they
// come back as HTTP 200 with status 0 in the result object, as in cPanel.
package httpapi
