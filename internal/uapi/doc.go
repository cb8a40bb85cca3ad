// Package uapi is the UAPI engine: a registry of Module::function entries
// with declared parameters, argument decoding for every transport, validation
// driven by the declarations, generic list post-processing (api.filter_*,
// api.sort_*, api.paginate_*, api.columns_*), and the result object in the
// bare (HTTP) and wrapped (CLI) forms.
//
// The registry is the single source of truth for parameters: validation, CLI
// help, generated documentation and the OpenAPI listing all read it.
package uapi
