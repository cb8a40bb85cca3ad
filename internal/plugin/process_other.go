//go:build !unix

package plugin

import "os/exec"

// newProcessGroup does nothing where there are no process groups: a
// cancelled context kills the program only.
func newProcessGroup(*exec.Cmd) {}

// killGroup does nothing where there are no process groups.
func killGroup(int) {}
