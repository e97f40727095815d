//go:build !windows

package prompt

import "os"

func openTerminal() (*os.File, *os.File, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
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
