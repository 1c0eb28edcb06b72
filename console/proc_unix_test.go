//go:build unix

package console_test

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a process group of its own, so the browser's
// helper processes can be ended with it.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// killProcessGroup ends the group cmd leads: only processes this test started.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // already gone is fine
	}
}
