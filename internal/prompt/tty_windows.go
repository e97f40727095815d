//go:build windows

package prompt

import "os"

func openTerminal() (*os.File, *os.File, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, out, nil
}

func openOut() (*os.File, error) { return os.OpenFile("CONOUT$", os.O_WRONLY, 0) }

func closeTerminal(in, out *os.File) {
	in.Close()
	out.Close()
}
