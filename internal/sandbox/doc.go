// Package sandbox runs plugin programs (CGI pages, PHP, the Template
// Toolkit renderer) confined, so that a hostile or broken page cannot
// reach uapid's data or other accounts:
//
//   - as its account's own unprivileged uid and gid (Config.UIDBase plus
//     the account's id; never root, the daemon's uid or a user the system
//     knows), so pages of different accounts cannot signal or trace each
//     other, read each other's files, or share a process limit; with no
//     supplementary groups, umask 077 and no_new_privs (set-uid programs
//     gain nothing);
//   - with resource limits: CPU seconds, address space, processes, file
//     size, open files (the caller adds a wall-time kill);
//   - when the kernel allows it, in new mount, PID, IPC and network
//     namespaces: the host's file system is read-only (nothing a page
//     writes outlives it or reaches another account's page), uapid's data
//     directory and secret files are covered
//     (Config.Hide), /tmp, /var/tmp and /dev/shm are private and small,
//     /proc shows only the page's processes, the network has no interface
//     up (Config.Network keeps the host's), and only the binds a run names
//     (its plugin folder, its LiveAPI socket directory, the libraries at
//     /usr/local/cpanel) appear.
//
// Setting this up needs root (or CAP_CHOWN, CAP_SETGID, CAP_SETUID and
// CAP_SYS_ADMIN; every capability is dropped before the program runs), and mounts must be made inside the new
// namespaces before the program starts, which exec.Cmd cannot do. So
// Command starts a helper, uapid itself as "uapid sandbox-exec" (Exec),
// in the new namespaces; it reads the run's Spec from file descriptor 3,
// makes the mounts, sets the limits, drops to the user and executes the
// program, which becomes the first process of its PID namespace: when it
// ends, the kernel kills everything it left behind.
package sandbox
