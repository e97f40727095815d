//go:build !windows

package prompt

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

func openTerminal() (*os.File, *os.File, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	// A process in the background (awsfed exec's endpoint while the child
	// holds the terminal) must not ask: its read fails, and what the user
	// types goes to the foreground program instead — a password into a
	// shell's history.
	if fg, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCGPGRP); err == nil && fg != unix.Getpgrp() {
		f.Close()
		return nil, nil, errors.New("awsfed is not in the terminal's foreground")
	}
	return f, f, nil
}

func openOut() (*os.File, error) { return os.OpenFile("/dev/tty", os.O_WRONLY, 0) }

func closeTerminal(in, out *os.File) {
	in.Close()
	if out != in {
		out.Close()
	}
}
