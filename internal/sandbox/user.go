package sandbox

import (
	"fmt"
	"log/slog"
	"os/exec"
	"os/user"
	"strconv"
)

// ensureUser returns the uid and gid of name, creating it as a system user
// with a group of its own, no home directory and no login shell when it
// does not exist.
func ensureUser(name string, log *slog.Logger) (int, int, error) {
	u, err := user.Lookup(name)
	if _, missing := err.(user.UnknownUserError); missing {
		out, cerr := exec.Command("useradd", "--system", "--user-group", "--no-create-home",
			"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin",
			"--comment", "uapid plugin pages", name).CombinedOutput()
		if cerr != nil {
			return 0, 0, fmt.Errorf("sandbox: create user %s (as root: useradd --system --user-group --no-create-home --shell /usr/sbin/nologin %s): %v: %s", name, name, cerr, out)
		}
		log.Info("sandbox: created the system user plugin pages run as", "user", name)
		u, err = user.Lookup(name)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("sandbox: user %s: %w", name, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return 0, 0, fmt.Errorf("sandbox: user %s: uid %q", name, u.Uid)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return 0, 0, fmt.Errorf("sandbox: user %s: gid %q", name, u.Gid)
	}
	return uid, gid, nil
}
