//go:build unix

package e2e

import (
	"os/exec"
	"syscall"
)

// detach starts cmd in a new session, so that it has no controlling
// terminal and /dev/tty cannot be opened, as under cron or an IDE.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
