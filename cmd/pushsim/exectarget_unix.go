//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the command in its own process group, so stopping
// it also stops what `sh -c` started.
func setProcessGroup(c *exec.Cmd) { c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func terminate(c *exec.Cmd) { _ = syscall.Kill(-c.Process.Pid, syscall.SIGTERM) }

func kill(c *exec.Cmd) { _ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL) }
