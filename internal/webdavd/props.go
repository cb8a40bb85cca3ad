package webdavd

import (
	"encoding/xml"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/net/webdav"
)

// Bounds of one login's dead properties, which live in memory: enough for
// clients that tag files (Windows stores Win32 times, litmus its tests),
// too little for a client to exhaust the server's memory.
const (
	maxPropBytes   = 256 << 10
	maxPropEntries = 4096
)

// propStore holds the dead properties (PROPPATCH-set, client-defined) of
// one login's resources, keyed by root-relative path as vfs.Clean returns
// it. They are not persisted: they last as long as the process and the
// login's sessions (see registry.kill).
type propStore struct {
	mu      sync.Mutex
	byPath  map[string]map[xml.Name]webdav.Property
	bytes   int
	entries int
}

func newPropStore() *propStore {
	return &propStore{byPath: make(map[string]map[xml.Name]webdav.Property)}
}

// propSize is what one property counts against maxPropBytes.
func propSize(name string, p webdav.Property) int {
	return len(name) + len(p.XMLName.Space) + len(p.XMLName.Local) + len(p.Lang) + len(p.InnerXML)
}

// get returns a copy of the properties of name, nil when it has none (a
// PROPFIND asks twice for each entry it lists, and most have none).
func (s *propStore) get(name string) map[xml.Name]webdav.Property {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.byPath[name]) == 0 {
		return nil
	}
	out := make(map[xml.Name]webdav.Property, len(s.byPath[name]))
	for k, v := range s.byPath[name] {
		out[k] = v
	}
	return out
}

// patch applies the patches to name atomically, as webdav.DeadPropsHolder
// requires: all of them, or none with 507 when the bounds would be passed.
func (s *propStore) patch(name string, patches []webdav.Proppatch) []webdav.Propstat {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make(map[xml.Name]webdav.Property, len(s.byPath[name]))
	for k, v := range s.byPath[name] {
		next[k] = v
	}
	var names []webdav.Property
	for _, patch := range patches {
		for _, p := range patch.Props {
			names = append(names, webdav.Property{XMLName: p.XMLName})
			if patch.Remove {
				delete(next, p.XMLName)
			} else {
				next[p.XMLName] = p
			}
		}
	}
	oldBytes, newBytes := s.sizeOf(name, s.byPath[name]), s.sizeOf(name, next)
	bytes, entries := s.bytes-oldBytes+newBytes, s.entries-len(s.byPath[name])+len(next)
	if bytes > maxPropBytes || entries > maxPropEntries {
		return []webdav.Propstat{{Status: http.StatusInsufficientStorage, Props: names}}
	}
	s.set(name, next)
	s.bytes, s.entries = bytes, entries
	return []webdav.Propstat{{Status: http.StatusOK, Props: names}}
}

func (s *propStore) sizeOf(name string, props map[xml.Name]webdav.Property) int {
	n := 0
	for _, p := range props {
		n += propSize(name, p)
	}
	return n
}

func (s *propStore) set(name string, props map[xml.Name]webdav.Property) {
	if len(props) == 0 {
		delete(s.byPath, name)
	} else {
		s.byPath[name] = props
	}
}

// removeTree forgets the properties of name and everything below it.
func (s *propStore) removeTree(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, props := range s.byPath {
		if within(k, name) {
			s.bytes -= s.sizeOf(k, props)
			s.entries -= len(props)
			delete(s.byPath, k)
		}
	}
}

// move carries the properties of from and everything below it to to,
// replacing whatever to held, as a rename moves the files.
func (s *propStore) move(from, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	moved := make(map[string]map[xml.Name]webdav.Property)
	for k, props := range s.byPath {
		if within(k, to) || within(k, from) {
			s.bytes -= s.sizeOf(k, props)
			s.entries -= len(props)
			delete(s.byPath, k)
			if within(k, from) {
				moved[to+k[len(from):]] = props
			}
		}
	}
	for k, props := range moved {
		s.byPath[k] = props
		s.bytes += s.sizeOf(k, props)
		s.entries += len(props)
	}
}

// within reports whether the clean root-relative path rel is dir or lies
// below it ("." is the root).
func within(rel, dir string) bool {
	return dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/")
}
