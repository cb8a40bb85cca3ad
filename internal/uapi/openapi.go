package uapi

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// OpenAPIVersion is the OpenAPI version the description follows: 3.0, as
// cPanel's own published UAPI description does.
const OpenAPIVersion = "3.0.3"

// obj is a JSON object of the OpenAPI document. Maps encode with sorted
// keys, so the document is the same bytes for the same registry.
type obj = map[string]any

// OpenAPI returns the OpenAPI 3 description of every registered function,
// generated from the declarations: one path /execute/Module/function per
// function with a GET (query parameters) and a POST (form body), the
// parameters with their types, defaults, enums and required flags, the
// security schemes (HTTP Basic and `Authorization: cpanel USER:TOKEN`) and
// the result envelope. version is the server's version for info.version.
// The result encodes with encoding/json.
func (r *Registry) OpenAPI(version string) map[string]any {
	paths := obj{}
	for _, m := range r.Modules() {
		for _, f := range r.Funcs(m) {
			paths["/execute/"+f.Module+"/"+f.Name] = pathItem(f)
		}
	}
	return obj{
		"openapi": OpenAPIVersion,
		"info": obj{
			"title":   "uapid UAPI",
			"version": version,
			"description": "cPanel's UAPI as uapid serves it, generated from the function registry. " +
				"Every function answers HTTP 200 with the result object; status 0 and errors report a failed call. " +
				"A login session calls the same functions at /cpsessNNNNNNNNNN/execute/Module/function.",
		},
		"servers":    []any{obj{"url": "/", "description": "This uapid server."}},
		"security":   []any{obj{"BasicAuth": []any{}}, obj{"CpanelToken": []any{}}},
		"tags":       r.openAPITags(),
		"paths":      paths,
		"components": components(),
	}
}

func (r *Registry) openAPITags() []any {
	var tags []any
	for _, m := range r.Modules() {
		tags = append(tags, obj{"name": m, "description": "The UAPI " + m + " module."})
	}
	return tags
}

// pathItem describes one function: the same call as GET with query
// parameters and as POST with a form body.
func pathItem(f *Func) obj {
	params := make([]any, 0, len(f.Params))
	props, required := obj{}, []string{}
	for i := range f.Params {
		p := &f.Params[i]
		params = append(params, queryParam(p))
		props[p.Name] = paramSchemaWithDoc(p)
		if p.Required {
			required = append(required, p.Name)
		}
	}
	if f.Returns == "list" {
		for _, name := range listParamNames {
			params = append(params, obj{"$ref": "#/components/parameters/" + name})
		}
	}
	body := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		body["required"] = required
	}
	get := operation(f, "")
	get["parameters"] = params
	post := operation(f, "_post")
	post["requestBody"] = obj{"required": len(required) > 0, "content": obj{
		"application/x-www-form-urlencoded": obj{"schema": body},
	}}
	return obj{"get": get, "post": post}
}

// operation is what GET and POST of a function share.
func operation(f *Func, idSuffix string) obj {
	op := obj{
		"tags":             []string{f.Module},
		"operationId":      f.Module + "_" + f.Name + idSuffix,
		"summary":          f.Summary,
		"description":      operationDescription(f),
		"responses":        responses(f),
		"x-uapid-readonly": f.ReadOnly,
	}
	if f.Feature != "" {
		op["x-uapid-feature"] = f.Feature
	}
	if f.Extension {
		op["x-uapid-extension"] = true
	}
	return op
}

func operationDescription(f *Func) string {
	parts := []string{f.Summary}
	if f.ReadOnly {
		parts = append(parts, "Only reads: it changes nothing.")
	} else {
		parts = append(parts, "Changes the account's data.")
	}
	if f.Feature != "" {
		parts = append(parts, "Needs the feature `"+f.Feature+"`.")
	}
	if f.Nested {
		parts = append(parts, "Accepts nested keys (a.b.c=value, or nested objects in a JSON body).")
	}
	if f.Extension {
		parts = append(parts, "A uapid extension: cPanel's UAPI has no such function.")
	}
	if f.Returns == "list" {
		parts = append(parts, "Takes the api.filter_*, api.sort_*, api.paginate_* and api.columns_N arguments.")
	}
	return strings.Join(parts, " ")
}

func responses(f *Func) obj {
	return obj{
		"200": obj{
			"description": "The result object (status 0 with errors when the function failed).",
			"content": obj{"application/json": obj{"schema": obj{
				"allOf": []any{
					obj{"$ref": "#/components/schemas/Result"},
					obj{"type": "object", "properties": obj{"data": dataSchema(f.Returns)}},
				},
			}}},
		},
		"401": obj{"$ref": "#/components/responses/Unauthorized"},
		"403": obj{"$ref": "#/components/responses/Forbidden"},
	}
}

// dataSchema describes data from the declaration's Returns.
func dataSchema(returns string) obj {
	switch returns {
	case "list":
		return obj{"type": "array", "items": obj{}}
	case "object":
		return obj{"type": "object", "nullable": true}
	case "string":
		return obj{"type": "string", "nullable": true}
	case "integer":
		// Quotas answer "unlimited" where there is no number to give.
		return obj{"oneOf": []any{obj{"type": "integer"}, obj{"type": "string", "enum": []string{"unlimited"}}}, "nullable": true}
	case "null":
		return obj{"nullable": true, "description": "null: the function returns only metadata."}
	}
	return obj{"nullable": true}
}

// queryParam is a parameter in the query string. A Multi parameter is an
// array sent as repeated keys (name=a&name=b); name-1, name-2 work too.
func queryParam(p *Param) obj {
	q := obj{"name": p.Name, "in": "query", "required": p.Required, "style": "form", "explode": true,
		"schema": paramSchema(p)}
	if d := paramDescription(p); d != "" {
		q["description"] = d
	}
	if p.Required && p.AllowEmpty {
		q["allowEmptyValue"] = true
	}
	if len(p.Aliases) > 0 {
		q["x-uapid-aliases"] = p.Aliases
	}
	return q
}

func paramSchemaWithDoc(p *Param) obj {
	s := paramSchema(p)
	if d := paramDescription(p); d != "" {
		s["description"] = d
	}
	return s
}

func paramDescription(p *Param) string {
	d := p.Doc
	if len(p.Aliases) > 0 {
		d = strings.TrimSpace(d + " Also accepted as " + strings.Join(p.Aliases, ", ") + ".")
	}
	if p.Multi {
		d = strings.TrimSpace(d + " Repeat it, or send " + p.Name + "-1, " + p.Name + "-2, ….")
	}
	return d
}

// paramSchema is the JSON schema of one parameter's value.
func paramSchema(p *Param) obj {
	s := typeSchema(p)
	if p.MaxLen > 0 && s["type"] == "string" {
		s["maxLength"] = p.MaxLen
	}
	if p.Default != "" {
		s["default"] = typedValue(p.Type, p.Default)
	}
	if p.Multi {
		return obj{"type": "array", "items": s}
	}
	return s
}

func typeSchema(p *Param) obj {
	switch p.Type {
	case Int:
		return obj{"type": "integer"}
	case UnixTime:
		return obj{"type": "integer", "format": "unix_timestamp", "minimum": 0}
	case Bool:
		return obj{"type": "integer", "enum": []int{0, 1}}
	case Enum:
		return obj{"type": "string", "enum": slices.Clone(p.Values)}
	case Domain:
		return obj{"type": "string", "format": "domain"}
	case Username:
		return obj{"type": "string", "format": "username", "maxLength": 64, "pattern": usernameRE.String()}
	case RelPath:
		return obj{"type": "string", "format": "path"}
	case Email:
		return obj{"type": "string", "format": "email"}
	case Login:
		return obj{"type": "string", "format": "login",
			"description": "user or user@domain; a bare user name is on the domain parameter's domain or the primary domain."}
	case QuotaMB:
		return obj{"type": "string", "pattern": `^(unlimited|[0-9]+(\.[0-9]+)?)$`,
			"description": "Megabytes, or unlimited (0 means unlimited too)."}
	}
	return obj{"type": "string"}
}

// typedValue gives a default the JSON type of its schema.
func typedValue(t Type, v string) any {
	switch t {
	case Int, UnixTime, Bool:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return v
}

// listParamNames are the post-processing arguments every list function
// takes, described once in components.parameters.
var listParamNames = []string{
	"api.filter_column", "api.filter_type", "api.filter_term",
	"api.sort_column", "api.sort_method", "api.sort_reverse",
	"api.paginate_start", "api.paginate_size", "api.paginate_page",
}

func listParams() obj {
	p := func(name, doc string, schema obj) obj {
		return obj{"name": name, "in": "query", "required": false, "description": doc, "schema": schema}
	}
	str, integer := obj{"type": "string"}, obj{"type": "integer", "minimum": 0}
	return obj{
		"api.filter_column": p("api.filter_column", "Filter on this field (suffix _0, _1, … for more filters).", str),
		"api.filter_type": p("api.filter_type", "How to compare; contains by default.",
			obj{"type": "string", "enum": slices.Sorted(maps.Keys(filterTypes))}),
		"api.filter_term":    p("api.filter_term", "The value to compare with.", str),
		"api.sort_column":    p("api.sort_column", "Sort on this field (suffix _0, _1, … for more keys).", str),
		"api.sort_method":    p("api.sort_method", "lexicographic by default.", obj{"type": "string", "enum": slices.Sorted(maps.Keys(sortMethods))}),
		"api.sort_reverse":   p("api.sort_reverse", "1 sorts in descending order.", obj{"type": "integer", "enum": []int{0, 1}}),
		"api.paginate_start": p("api.paginate_start", "The first record of the page, counting from 1.", integer),
		"api.paginate_size":  p("api.paginate_size", "Records per page; 100 by default.", integer),
		"api.paginate_page":  p("api.paginate_page", "The page to return, counting from 1, when no start is given.", integer),
	}
}

// components are the shared parts: the envelope, the error answers of the
// transport, the post-processing parameters and the security schemes.
func components() obj {
	nullableStrings := obj{"type": "array", "nullable": true, "items": obj{"type": "string"}}
	httpError := obj{"description": "An authentication failure: a JSON body with the reason.",
		"content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}
	return obj{
		"schemas": obj{"Result": obj{
			"type":        "object",
			"description": "cPanel's UAPI result object. Over HTTP it is the whole body.",
			"required":    []string{"data", "errors", "messages", "metadata", "status", "warnings"},
			"properties": obj{
				"status":   obj{"type": "integer", "enum": []int{0, 1}, "description": "1: success; 0: failure, see errors."},
				"errors":   nullableStrings,
				"messages": nullableStrings,
				"warnings": nullableStrings,
				"metadata": obj{"type": "object", "description": "transformed, paginate, records_before_filter, invalid_columns."},
				"data":     obj{"nullable": true, "description": "The function's answer."},
			},
		}},
		"responses": obj{
			"Unauthorized": httpError,
			"Forbidden":    obj{"description": "A suspended account, or a session token that is not the session's.", "content": httpError["content"]},
		},
		"parameters": listParams(),
		"securitySchemes": obj{
			"BasicAuth": obj{"type": "http", "scheme": "basic", "description": "The account's name and password."},
			"CpanelToken": obj{"type": "apiKey", "in": "header", "name": "Authorization",
				"description": "An API token (Tokens::create_full_access): the header value is `cpanel USER:TOKEN`."},
		},
	}
}
