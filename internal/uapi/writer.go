package uapi

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Formats returns the output formats of the wrapped form, as the uapi
// command line's --output accepts them.
func Formats() []string { return []string{"json", "jsonpretty", "yaml", "xml"} }

// WriteResult writes the bare result object as the HTTP transport sends it:
// one line of JSON and a newline. Like cPanel it leaves <, > and & as they
// are; the body is served as application/json, never as HTML.
func WriteResult(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteWrapped writes the wrapped form in one of Formats. Every format
// works on the generic tree, so object keys come out sorted, as in cPanel's
// canonical output, whatever the order of the handler's struct fields.
//
//   - json: one line and a newline.
//   - jsonpretty: indented by three spaces, like cPanel's.
//   - yaml: a document starting with "---", keys sorted, null as "~";
//     strings are quoted only where YAML would read them as something
//     else, so "1" and 1 stay apart.
//   - xml: cPanel deprecated its XML output; this is our own simple form.
//     The root element is <result>; each object key becomes one child
//     element, keys sorted. A list under a key becomes that element
//     repeated, once per item; an empty list is one empty element with
//     list="empty"; a list inside a list holds its items as <item>
//     elements. null is an empty element with null="true"; true and false
//     are 1 and 0. A key that is not a valid XML name is rewritten (letters,
//     digits, "_", "-" and "." kept, anything else as "_", and a "_" put in
//     front of a leading digit, "-", "." or "xml") with the original in a
//     key attribute. Text is escaped by encoding/xml, which also replaces
//     characters XML cannot carry, so the output is always well-formed.
func WriteWrapped(w io.Writer, format string, wr *Wrapped) error {
	tree, err := Generic(wr)
	if err != nil {
		return fmt.Errorf("uapi: convert %s::%s result: %w", wr.Module, wr.Func, err)
	}
	switch format {
	case "json", "jsonpretty":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if format == "jsonpretty" {
			enc.SetIndent("", "   ")
		}
		return enc.Encode(tree)
	case "yaml":
		return writeYAML(w, tree)
	case "xml":
		return writeXML(w, tree)
	}
	return fmt.Errorf("unknown output format %q (use one of %s)", format, strings.Join(Formats(), ", "))
}

// DecodeResult decodes a bare result received over HTTP. Data, and the
// values in Metadata, become the generic tree with numbers kept as
// json.Number, so re-wrapping and printing it loses nothing.
func DecodeResult(body []byte) (*Result, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var probe struct {
		Result
		Status *int `json:"status"`
	}
	if err := dec.Decode(&probe); err != nil {
		return nil, fmt.Errorf("uapi: decode result: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("uapi: decode result: data after the result object")
	}
	if probe.Status == nil {
		return nil, errors.New("uapi: decode result: the response is not a UAPI result (no status)")
	}
	r := probe.Result
	r.Status = *probe.Status
	if r.Metadata == nil {
		r.Metadata = map[string]any{}
	}
	return &r, nil
}

// writeYAML prints tree as cPanel's uapi does: a "---" document with sorted
// keys and "~" for null. The tree is turned into yaml.Node values itself so
// that a string like "1" stays quoted while the number 1 does not.
func writeYAML(w io.Writer, tree any) error {
	if _, err := io.WriteString(w, "---\n"); err != nil {
		return err
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(tree)); err != nil {
		return fmt.Errorf("uapi: write yaml: %w", err)
	}
	return enc.Close()
}

// yamlNode converts one generic value. Scalars carry their tag; the encoder
// then quotes a string only when it would otherwise read as something else.
func yamlNode(v any) *yaml.Node {
	switch v := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "~"}
	case string:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(v.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.String()}
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, item := range v {
			n.Content = append(n.Content, yamlNode(item))
		}
		return n
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range sortedKeys(v) {
			n.Content = append(n.Content, yamlNode(k), yamlNode(v[k]))
		}
		return n
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprint(v)}
}

// writeXML prints tree in the XML form WriteWrapped describes.
func writeXML(w io.Writer, tree any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := xmlElement(enc, "result", tree); err != nil {
		return fmt.Errorf("uapi: write xml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("uapi: write xml: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// xmlField writes the value of one object key: a list as repeated elements,
// anything else as one element.
func xmlField(enc *xml.Encoder, key string, v any) error {
	if list, ok := v.([]any); ok {
		return xmlList(enc, key, list)
	}
	return xmlElement(enc, key, v)
}

func xmlList(enc *xml.Encoder, key string, list []any) error {
	if len(list) == 0 {
		return xmlEmpty(enc, key, xml.Attr{Name: xml.Name{Local: "list"}, Value: "empty"})
	}
	for _, item := range list {
		if err := xmlElement(enc, key, item); err != nil {
			return err
		}
	}
	return nil
}

func xmlEmpty(enc *xml.Encoder, key string, attr xml.Attr) error {
	start := xmlStart(key)
	start.Attr = append(start.Attr, attr)
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	return enc.EncodeToken(start.End())
}

// xmlElement writes v inside one element named after key.
func xmlElement(enc *xml.Encoder, key string, v any) error {
	if v == nil {
		return xmlEmpty(enc, key, xml.Attr{Name: xml.Name{Local: "null"}, Value: "true"})
	}
	start := xmlStart(key)
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	var err error
	switch v := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(v) {
			if err = xmlField(enc, k, v[k]); err != nil {
				break
			}
		}
	case []any:
		err = xmlList(enc, "item", v)
	default:
		err = enc.EncodeToken(xml.CharData(scalarString(v)))
	}
	if err != nil {
		return err
	}
	return enc.EncodeToken(start.End())
}

// xmlStart returns the start element for key, renamed if key is not a
// valid XML name.
func xmlStart(key string) xml.StartElement {
	name := xmlName(key)
	start := xml.StartElement{Name: xml.Name{Local: name}}
	if name != key {
		start.Attr = []xml.Attr{{Name: xml.Name{Local: "key"}, Value: key}}
	}
	return start
}

// xmlName maps key to a valid XML element name. It keeps to ASCII so the
// result is valid under every XML version and never contains a namespace
// colon.
func xmlName(key string) string {
	var b strings.Builder
	for _, c := range key {
		start := c == '_' || ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z')
		inner := c == '-' || c == '.' || ('0' <= c && c <= '9')
		switch {
		case b.Len() == 0 && inner:
			// "1st" becomes "_1st" rather than losing the digit.
			b.WriteByte('_')
			b.WriteRune(c)
		case start || inner:
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	name := b.String()
	if name == "" || strings.HasPrefix(strings.ToLower(name), "xml") {
		name = "_" + name
	}
	return name
}
