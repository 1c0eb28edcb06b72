//go:build !unix

package main

import (
	"os"
	"os/exec"
)

func setProcessGroup(*exec.Cmd) {}

func terminate(c *exec.Cmd) { _ = c.Process.Signal(os.Interrupt) }

func kill(c *exec.Cmd) { _ = c.Process.Kill() }
