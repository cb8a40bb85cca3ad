package harness

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Build says where the uapid and uapi binaries of a benchmark come from:
// prebuilt files, or built from a commit (Rev) or from the working tree.
type Build struct {
	Uapid, Uapi string // prebuilt binaries; empty: build them
	Rev         string // commit to build from (git archive); empty: the working tree
}

// UapidBinaries returns the uapid and uapi binaries: the ones given, or
// built into dir from this module's working tree or, with Rev, from that
// commit (other work in progress in the tree then does not matter).
func UapidBinaries(ctx context.Context, o Build, dir string) (uapid, uapi string, err error) {
	uapid, uapi = o.Uapid, o.Uapi
	var pkgs []string
	if uapid == "" {
		uapid, pkgs = filepath.Join(dir, "uapid"), append(pkgs, "./cmd/uapid")
	}
	if uapi == "" {
		uapi, pkgs = filepath.Join(dir, "uapi"), append(pkgs, "./cmd/uapi")
	}
	if len(pkgs) == 0 {
		return uapid, uapi, nil
	}
	src, err := moduleRoot(ctx)
	if err != nil {
		return "", "", err
	}
	if o.Rev != "" {
		src = filepath.Join(dir, "src")
		if err := exportRev(ctx, o.Rev, src); err != nil {
			return "", "", err
		}
	}
	Progress("building %s in %s", strings.Join(pkgs, " "), src)
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", dir + "/"}, pkgs...)...)
	cmd.Dir = src
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return uapid, uapi, nil
}

// moduleRoot is the directory of the go.mod the benchmark runs in.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run the benchmark inside the uapid module, or give -uapid and -uapi (%v)", err)
	}
	return filepath.Dir(gomod), nil
}

// exportRev writes the tree of the commit rev into dir, with git archive.
func exportRev(ctx context.Context, rev, dir string) error {
	cmd := exec.CommandContext(ctx, "git", "archive", "--format=tar", rev)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git archive: %w", err)
	}
	err = untar(out, dir)
	_, _ = io.Copy(io.Discard, out)
	if werr := cmd.Wait(); err == nil && werr != nil {
		err = fmt.Errorf("git archive %s: %w", rev, werr)
	}
	return err
}

// untar writes the directories, files and symlinks of a tar stream into dir.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		if !filepath.IsLocal(h.Name) {
			return fmt.Errorf("archive entry %q leaves the directory", h.Name)
		}
		name := filepath.Join(dir, h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(name, 0o755)
		case tar.TypeReg:
			err = writeEntry(name, tr, os.FileMode(h.Mode).Perm())
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, name)
		}
		if err != nil {
			return err
		}
	}
}

func writeEntry(name string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// UapidSource says where the uapid binary came from, for the report.
func UapidSource(ctx context.Context, o Build) string {
	switch {
	case o.Uapid != "":
		return "binary " + o.Uapid
	case o.Rev != "":
		return "built from commit " + strings.TrimSpace(CommandOutput(ctx, nil, "git", "rev-parse", "--short", o.Rev))
	}
	return "built from the working tree at " + strings.TrimSpace(CommandOutput(ctx, nil, "git", "describe", "--always", "--dirty"))
}
