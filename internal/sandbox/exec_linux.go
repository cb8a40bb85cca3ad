//go:build linux

package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// maxSpec bounds the spec the helper reads.
const maxSpec = 4 << 20

// neededCaps are what confining takes without root: become another user
// and group, hand it the socket, make namespaces and mounts.
var neededCaps = []uint{unix.CAP_CHOWN, unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_SYS_ADMIN}

func supported() error {
	if os.Geteuid() == 0 {
		return nil
	}
	eff, err := effectiveCaps()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	for _, c := range neededCaps {
		if eff&(1<<c) == 0 {
			return fmt.Errorf("%w: uapid runs neither as root nor with CAP_CHOWN, CAP_SETGID, CAP_SETUID and CAP_SYS_ADMIN, so it cannot run programs as another user", ErrUnavailable)
		}
	}
	return nil
}

// effectiveCaps reads this process's effective capabilities.
func effectiveCaps() (uint64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			return strconv.ParseUint(strings.TrimSpace(v), 16, 64)
		}
	}
	return 0, errors.New("no CapEff in /proc/self/status")
}

func cloneFlags(network bool) uintptr {
	f := uintptr(syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC)
	if !network {
		f |= syscall.CLONE_NEWNET
	}
	return f
}

// probeNamespaces starts a program in the namespaces runs use.
func probeNamespaces(network bool) error {
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: cloneFlags(network)}
	return cmd.Run()
}

// sysProcAttr starts the helper as the leader of a new session (so its
// process group, led by its pid, holds the whole run, and it cannot signal
// the daemon's session) and, with namespaces, in new ones.
func sysProcAttr(spec Spec) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setsid: true}
	if spec.Namespaces {
		a.Cloneflags = cloneFlags(spec.Network)
	}
	return a
}

// Exec is the helper: it reads a Spec from file descriptor 3, confines
// itself as the spec says and executes the program. It returns only on
// failure; the caller prints the error and exits non-zero.
func Exec() error {
	f := os.NewFile(3, "spec")
	if f == nil {
		return errors.New("sandbox: no spec on file descriptor 3")
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSpec))
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("sandbox: read spec: %w", err)
	}
	var spec Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("sandbox: spec: %w", err)
	}
	if spec.UID <= 0 || spec.GID <= 0 || len(spec.Argv) == 0 {
		return errors.New("sandbox: spec without a user or a program")
	}
	if spec.Namespaces {
		if err := mountView(spec); err != nil {
			return err
		}
	}
	if err := dropPrivileges(spec); err != nil {
		return err
	}
	// What a page creates is its account's alone: without namespaces /tmp
	// is the host's, shared with every other account's pages.
	syscall.Umask(0o077)
	if err := os.Chdir(spec.Dir); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	path, err := lookPath(spec.Argv[0], spec.Env)
	if err != nil {
		return err
	}
	return execLimited(path, spec.Argv, spec.Env, spec.Limits.Memory)
}

// execLimited executes path with the address-space limit set last: it
// bounds the helper too, and the Go runtime must not map memory once it
// holds. So everything execve needs is built first, garbage collection is
// off, and the limit and execve are raw system calls, with nothing
// allocated between them.
func execLimited(path string, argv, env []string, memory uint64) error {
	pathp, err := syscall.BytePtrFromString(path)
	if err != nil {
		return fmt.Errorf("sandbox: exec %s: %w", path, err)
	}
	argvp, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return fmt.Errorf("sandbox: exec %s: %w", path, err)
	}
	envp, err := syscall.SlicePtrFromStrings(env)
	if err != nil {
		return fmt.Errorf("sandbox: exec %s: %w", path, err)
	}
	debug.SetGCPercent(-1)
	runtime.LockOSThread()
	lim := syscall.Rlimit{Cur: memory, Max: memory}
	if memory > 0 {
		if _, _, e := syscall.RawSyscall6(unix.SYS_PRLIMIT64, 0, syscall.RLIMIT_AS, uintptr(unsafe.Pointer(&lim)), 0, 0, 0); e != 0 {
			return fmt.Errorf("sandbox: address-space limit: %w", e)
		}
	}
	_, _, e := syscall.RawSyscall(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(pathp)),
		uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envp[0])))
	return fmt.Errorf("sandbox: exec %s: %w", path, e)
}

// dropPrivileges becomes the sandbox user for good: the process limit
// first (the kernel checks it against the user's processes at exec), then
// no groups, the group and the user, no new privileges, the other limits.
func dropPrivileges(spec Spec) error {
	l := spec.Limits
	if err := setLimit(rlimitNPROC, l.Processes); err != nil {
		return err
	}
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("sandbox: setgroups: %w", err)
	}
	if err := syscall.Setresgid(spec.GID, spec.GID, spec.GID); err != nil {
		return fmt.Errorf("sandbox: setresgid %d: %w", spec.GID, err)
	}
	if err := syscall.Setresuid(spec.UID, spec.UID, spec.UID); err != nil {
		return fmt.Errorf("sandbox: setresuid %d: %w", spec.UID, err)
	}
	if os.Geteuid() != spec.UID || os.Getuid() != spec.UID {
		return errors.New("sandbox: the user did not change")
	}
	if err := dropCaps(); err != nil {
		return err
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0, 0, 0, 0); e != 0 {
		return fmt.Errorf("sandbox: no_new_privs: %w", e)
	}
	for _, lim := range []struct {
		res int
		v   uint64
	}{{syscall.RLIMIT_CPU, l.CPUSeconds}, {syscall.RLIMIT_FSIZE, l.FileSize}, {syscall.RLIMIT_NOFILE, l.OpenFiles}, {syscall.RLIMIT_CORE, 0}} {
		if lim.v == 0 && lim.res != syscall.RLIMIT_CORE {
			continue
		}
		if err := setLimit(lim.res, lim.v); err != nil {
			return err
		}
	}
	return nil
}

// dropCaps clears every capability. Leaving root clears them by itself;
// a daemon that confines with capabilities instead of root keeps them
// across setuid, so they are cleared here, ambient ones included.
func dropCaps() error {
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("sandbox: clear ambient capabilities: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("sandbox: clear capabilities: %w", err)
	}
	return nil
}

const (
	rlimitNPROC     = 6 // RLIMIT_NPROC on Linux
	prSetNoNewPrivs = 38
)

// setLimit sets a soft and hard limit; the CPU limit's hard one is a
// second later, so SIGXCPU comes first and SIGKILL ends a program that
// ignores it.
func setLimit(res int, v uint64) error {
	lim := syscall.Rlimit{Cur: v, Max: v}
	if res == syscall.RLIMIT_CPU {
		lim.Max = v + 1
	}
	if err := syscall.Setrlimit(res, &lim); err != nil {
		return fmt.Errorf("sandbox: setrlimit %d: %w", res, err)
	}
	return nil
}

// lookPath finds the program in the PATH of its own environment.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/usr/bin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("sandbox: %s not found in %s", name, path)
}

// mountView makes the run's view of the file system: nothing it does
// propagates to the host; the hidden paths are covered; temporary
// directories are private; the binds appear; /proc shows the run's PID
// namespace only.
func mountView(spec Spec) error {
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("sandbox: make mounts private: %w", err)
	}
	// Bind sources are opened before anything covers them.
	fds := make([]int, len(spec.Bind))
	for i, b := range spec.Bind {
		fd, err := syscall.Open(b.Src, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("sandbox: open %s: %w", b.Src, err)
		}
		fds[i] = fd
	}
	if err := readOnlyHost(); err != nil {
		return err
	}
	for _, p := range spec.Hide {
		if err := cover(p); err != nil {
			return err
		}
	}
	for _, p := range []string{"/tmp", "/var/tmp", "/dev/shm"} {
		opts := "mode=1777,size=" + strconv.FormatInt(spec.TmpSize, 10)
		if err := syscall.Mount("tmpfs", p, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, opts); err != nil && !errors.Is(err, syscall.ENOENT) {
			return fmt.Errorf("sandbox: private %s: %w", p, err)
		}
	}
	for i, b := range spec.Bind {
		if err := bind(fds[i], b); err != nil {
			return err
		}
		_ = syscall.Close(fds[i])
	}
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("sandbox: mount /proc: %w", err)
	}
	return nil
}

// readOnlyHost makes every mount of the host read-only and set-uid free
// in the run's namespace: a file written to a directory anyone may write
// (/run/lock, PHP's sessions) would outlive the run and use disk space no
// limit counts. What is mounted afterwards (covers, temporary
// directories, binds) has its own flags.
func readOnlyHost() error {
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID}
	// Linux 5.12 and later; an older kernel fails the run, never runs it
	// with a writable host.
	if err := unix.MountSetattr(-1, "/", unix.AT_RECURSIVE, &attr); err != nil {
		return fmt.Errorf("sandbox: read-only host (mount_setattr, Linux 5.12): %w", err)
	}
	return nil
}

// cover hides a path: a directory under an empty, read-only file system,
// a file under /dev/null. A path that does not exist needs nothing.
func cover(p string) error {
	fi, err := os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("sandbox: hide %s: %w", p, err)
	}
	if fi.IsDir() {
		err = syscall.Mount("tmpfs", p, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, "mode=0755,size=64k")
	} else {
		err = syscall.Mount("/dev/null", p, "", syscall.MS_BIND, "")
	}
	if err != nil {
		return fmt.Errorf("sandbox: hide %s: %w", p, err)
	}
	return nil
}

// bind makes the source open as fd appear at b.Dst, creating the mount
// point when the covering file systems lack it.
func bind(fd int, b Bind) error {
	if err := os.MkdirAll(b.Dst, 0o755); err != nil {
		return fmt.Errorf("sandbox: mount point %s: %w", b.Dst, err)
	}
	src := "/proc/self/fd/" + strconv.Itoa(fd)
	if err := syscall.Mount(src, b.Dst, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fmt.Errorf("sandbox: bind %s at %s: %w", b.Src, b.Dst, err)
	}
	flags := uintptr(syscall.MS_BIND | syscall.MS_REMOUNT | syscall.MS_NOSUID | syscall.MS_NODEV)
	if !b.Writable {
		flags |= syscall.MS_RDONLY
	}
	if err := syscall.Mount("", b.Dst, "", flags, ""); err != nil {
		return fmt.Errorf("sandbox: remount %s: %w", b.Dst, err)
	}
	return nil
}
