//go:build unix

package childproc

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// forwarded lists the signals passed on to the child.
func forwarded() []os.Signal {
	return []os.Signal{
		syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH,
	}
}

// deliveredByTerminal reports whether the terminal itself sent sig to the
// child. Ctrl-C, Ctrl-\ and window resizes go to the whole foreground
// process group, which holds the child as well as awsfed; passing them on
// would make the child see them twice, and programs such as terraform treat
// a second Ctrl-C as "stop now, without cleaning up".
//
// The price: a SIGINT sent with kill to awsfed alone, while awsfed runs in
// the foreground of a terminal, is not passed on.
func deliveredByTerminal(sig os.Signal, pid int) bool {
	switch sig {
	case syscall.SIGINT, syscall.SIGQUIT, syscall.SIGWINCH:
	default:
		return false
	}
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false // no controlling terminal: the signal came from kill
	}
	defer tty.Close()
	fg, err := unix.IoctlGetInt(int(tty.Fd()), unix.TIOCGPGRP)
	if err != nil {
		return false
	}
	pgid, err := unix.Getpgid(pid)
	return err == nil && pgid == fg
}

func exitCode(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
