package webdavd

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/webdav"
)

func prop(local, value string) webdav.Property {
	return webdav.Property{XMLName: xml.Name{Space: "urn:t", Local: local}, InnerXML: []byte(value)}
}

func set(props ...webdav.Property) []webdav.Proppatch { return []webdav.Proppatch{{Props: props}} }

func paths(s *propStore) []string {
	var out []string
	for k := range s.byPath {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestPropStore(t *testing.T) {
	t.Parallel()
	s := newPropStore()
	for _, p := range []string{"a", "a/b", "a/b/c", "ab", "d"} {
		if st := s.patch(p, set(prop("x", p))); st[0].Status != http.StatusOK {
			t.Fatalf("patch %s: %v", p, st)
		}
	}
	if got := s.get("a/b"); string(got[xml.Name{Space: "urn:t", Local: "x"}].InnerXML) != "a/b" {
		t.Fatalf("get a/b = %v", got)
	}
	s.move("a", "d")
	if got := paths(s); !slices.Equal(got, []string{"ab", "d", "d/b", "d/b/c"}) {
		t.Fatalf("after move a → d: %v", got)
	}
	if v := s.get("d/b/c"); string(v[xml.Name{Space: "urn:t", Local: "x"}].InnerXML) != "a/b/c" {
		t.Errorf("moved value = %v", v)
	}
	s.removeTree("d")
	if got := paths(s); !slices.Equal(got, []string{"ab"}) {
		t.Fatalf("after removeTree d: %v", got)
	}
	s.patch("ab", []webdav.Proppatch{{Remove: true, Props: []webdav.Property{prop("x", "")}}})
	if len(s.byPath) != 0 || s.bytes != 0 || s.entries != 0 {
		t.Errorf("after removing the last property: %v, %d bytes, %d entries", s.byPath, s.bytes, s.entries)
	}
}

// TestPropStoreBounds: a patch that would pass the bounds is refused as a
// whole with 507 and changes nothing.
func TestPropStoreBounds(t *testing.T) {
	t.Parallel()
	s := newPropStore()
	big := strings.Repeat("v", maxPropBytes/2)
	if st := s.patch("f", set(prop("one", big))); st[0].Status != http.StatusOK {
		t.Fatalf("first half: %v", st[0].Status)
	}
	st := s.patch("g", set(prop("small", "s"), prop("two", big)))
	if st[0].Status != http.StatusInsufficientStorage || len(st[0].Props) != 2 {
		t.Fatalf("over the bound: %+v", st)
	}
	if len(s.get("g")) != 0 {
		t.Error("a refused patch was partly applied")
	}
	s.removeTree(".")
	if s.bytes != 0 || s.entries != 0 || len(s.byPath) != 0 {
		t.Errorf("after removing everything: %d bytes, %d entries", s.bytes, s.entries)
	}
}
