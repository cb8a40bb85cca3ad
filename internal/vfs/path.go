package vfs

import (
	"path"
	"strings"
)

// Clean turns a client path (absolute or relative to the root, with any
// number of "." and ".." components) into the root-relative form os.Root
// takes: "." for the root itself, otherwise a slash-separated path with no
// leading slash and no "." or ".." components. ".." above the root stops at
// the root, as it does at "/" on a real system.
//
// A name that is already clean and absolute ("/d/f.txt", as WebDAV and FTP
// send them) costs no allocation: Clean runs several times on every name a
// PROPFIND lists.
func Clean(name string) string {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	rel := path.Clean(name)[1:]
	if rel == "" {
		return "."
	}
	return rel
}

// within reports whether the root-relative rel is dir or lies below it.
func within(rel, dir string) bool {
	return dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/")
}

// inner returns rel relative to dir, which within(rel, dir) confirmed.
func inner(rel, dir string) string {
	switch {
	case rel == dir:
		return "."
	case dir == ".":
		return rel
	}
	return rel[len(dir)+1:]
}
