//go:build unix

package plugin

import (
	"os/exec"
	"syscall"
)

// newProcessGroup makes cmd the leader of a new process group whose id is
// its pid, so the LiveAPI socket can tell the program and its children
// from every other process, and so killing the group reaches them all.
func newProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killGroup kills every process left in the group led by pid. After Wait
// the id cannot name another group: Linux does not reuse a pid while a
// group with that id has members.
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}
