package plugin

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// maxName bounds a plugin's or a page's name.
const maxName = 100

// validName reports whether a plugin or page name from a URL may name a
// file: letters, digits, "_", "-" and ".", not starting with "." (no hidden
// files, no "." or ".."), no "..", and no separators of any kind.
func validName(name string) bool {
	if name == "" || len(name) > maxName || name[0] == '.' || strings.Contains(name, "..") {
		return false
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// kind is what a page file is served as.
type kind int

const (
	kindNone     kind = iota // not a page: 404
	kindTemplate             // NAME.tmpl: rendered with execute
	kindProgram              // executable bit or a LiveAPI name: run as CGI
	kindTT                   // NAME.tt, NAME.html.tt: rendered by Template Toolkit in a program
	kindStatic               // a stylesheet, script, image or font
)

// liveSuffixes are cPanel's names for LiveAPI programs.
var liveSuffixes = []string{".live.pl", ".livepl", ".live.php", ".livephp", ".live.cgi", ".livecgi"}

// staticTypes are the files a plugin may ship for its pages, which the
// UI's Content-Security-Policy only lets load from this server.
var staticTypes = map[string]bool{
	".css": true, ".js": true, ".png": true, ".jpg": true, ".jpeg": true, ".gif": true,
	".svg": true, ".ico": true, ".webp": true, ".woff": true, ".woff2": true,
}

// kindOf tells how a regular file is served. A template never runs, even
// with the executable bit.
func kindOf(name string, mode fs.FileMode) kind {
	switch {
	case strings.HasSuffix(name, ".tmpl"):
		return kindTemplate
	case strings.HasSuffix(name, ".tt"):
		return kindTT
	case mode&0o111 != 0:
		return kindProgram
	}
	for _, s := range liveSuffixes {
		if strings.HasSuffix(name, s) {
			return kindProgram
		}
	}
	if staticTypes[strings.ToLower(path.Ext(name))] {
		return kindStatic
	}
	return kindNone
}

// pageFile is a page found in a plugin's directory.
type pageFile struct {
	root *os.Root // the plugin's directory; the caller closes it
	name string   // the file's name in it
	path string   // its absolute path, to run it
	info fs.FileInfo
	kind kind
}

// errNoPage is a page that does not exist, or that may not be served.
var errNoPage = errors.New("plugin: no such page")

// find resolves a page inside the plugin folder through os.Root, so no
// name and no symlink reaches outside it. A URL may leave out ".tmpl" or
// ".tt" (index.html serves index.html.tmpl or index.html.tt). Only regular files are pages: a
// symlinked page file is refused, since a program runs by its path.
func (s *Server) find(plugin, page string) (*pageFile, error) {
	if !validName(plugin) || !validName(page) {
		return nil, errNoPage
	}
	top, err := os.OpenRoot(s.cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("plugin: open plugin folder: %w", err)
	}
	defer top.Close()
	root, err := top.OpenRoot(plugin)
	if err != nil {
		return nil, fmt.Errorf("%w: plugin %q: %v", errNoPage, plugin, err)
	}
	for _, name := range []string{page, page + ".tmpl", page + ".tt"} {
		fi, err := root.Lstat(name)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if k := kindOf(name, fi.Mode()); k != kindNone {
			return &pageFile{root: root, name: name, path: filepath.Join(s.cfg.Dir, plugin, name), info: fi, kind: k}, nil
		}
	}
	_ = root.Close()
	return nil, fmt.Errorf("%w: %s/%s", errNoPage, plugin, page)
}
