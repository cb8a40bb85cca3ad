//go:build !linux

package sandbox

import (
	"errors"
	"fmt"
	"syscall"
)

func supported() error {
	return fmt.Errorf("%w: plugin programs are confined on Linux only", ErrUnavailable)
}

func probeNamespaces(bool) error { return errors.New("sandbox: no namespaces") }

func sysProcAttr(Spec) *syscall.SysProcAttr { return &syscall.SysProcAttr{Setsid: true} }

// Exec is the helper; it runs on Linux only.
func Exec() error { return supported() }
