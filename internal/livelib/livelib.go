package livelib

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

//go:embed all:files
var files embed.FS

// CpanelDir is where cPanel keeps these libraries; with a private mount
// namespace, pages see the installed directory there.
const CpanelDir = "/usr/local/cpanel"

// PHPClass is the path, below the library directory, of the CPANEL class.
const PHPClass = "php/cpanel.php"

// TTRenderer is the path, below the library directory, of the program
// that renders Template Toolkit pages.
const TTRenderer = "uapid/tt/render.pl"

// phpIniDir holds the ini file that loads the CPANEL class before every
// PHP page; it is generated because it names the class's path.
const phpIniDir = "uapid/php.d"

// Install writes the libraries into dir, creating it, with modes that let
// any user read them (mode 0755 directories, 0644 files): the sandbox user
// runs pages. view is the path at which pages will see dir (dir itself,
// or CpanelDir inside a mount namespace).
func Install(dir, view string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("livelib: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("livelib: %w", err)
	}
	err := fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, "files"), "/")
		if d.IsDir() {
			return mkdir(filepath.Join(dir, filepath.FromSlash(rel)))
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, filepath.FromSlash(rel)), b)
	})
	if err == nil {
		err = mkdir(filepath.Join(dir, filepath.FromSlash(phpIniDir)))
	}
	if err == nil {
		ini := "; Written by uapid: load the CPANEL class before every plugin page.\n" +
			"auto_prepend_file = \"" + path.Join(view, PHPClass) + "\"\n"
		err = writeFile(filepath.Join(dir, filepath.FromSlash(phpIniDir), "uapid.ini"), []byte(ini))
	}
	if err != nil {
		return fmt.Errorf("livelib: install in %s: %w", dir, err)
	}
	return nil
}

// Environ is what a page's environment needs to find the libraries at
// view: Perl's library path (use Cpanel::LiveAPI) and PHP's extra ini
// directory (the CPANEL class loaded before the page). The empty entry in
// PHP_INI_SCAN_DIR keeps PHP's own scan directory.
func Environ(view string) []string {
	return []string{
		"PERL5LIB=" + view,
		"PHP_INI_SCAN_DIR=:" + path.Join(view, phpIniDir),
	}
}

func mkdir(p string) error {
	if err := os.MkdirAll(p, 0o755); err != nil {
		return err
	}
	return os.Chmod(p, 0o755)
}

// writeFile replaces a file by renaming a complete copy over it, so a page
// starting meanwhile reads the old file or the new one, never half of one.
func writeFile(p string, b []byte) error {
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}
