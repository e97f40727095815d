package prompt

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"
)

// TTY asks on the controlling terminal (/dev/tty, or CONIN$/CONOUT$ on
// Windows). It opens the terminal for each question, so a process without a
// terminal fails with ErrNoTerminal only when it actually needs to ask.
type TTY struct {
	// Disabled makes every question fail with ErrNoTerminal (--no-prompt, tests).
	Disabled bool
}

func (t *TTY) open() (*os.File, *os.File, error) {
	if t.Disabled {
		return nil, nil, ErrNoTerminal
	}
	in, out, err := openTerminal()
	if err != nil {
		return nil, nil, fmt.Errorf("%w (%v)", ErrNoTerminal, err)
	}
	return in, out, nil
}

// readLine reads one line from the terminal, giving up when ctx ends.
// beforeClose runs first on cancellation (the password prompt restores echo
// there: once the terminal is closed it can no longer be restored).
func readLine(ctx context.Context, f *os.File, beforeClose func(), read func() (string, error)) (string, error) {
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := read()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		if beforeClose != nil {
			beforeClose()
		}
		// Closing the terminal unblocks the reader goroutine.
		f.Close()
		return "", ctx.Err()
	}
}

// Input asks for one line of text.
func (t *TTY) Input(ctx context.Context, label, def string) (string, error) {
	in, out, err := t.open()
	if err != nil {
		return "", err
	}
	defer closeTerminal(in, out)
	if def != "" {
		fmt.Fprintf(out, "%s [%s]: ", label, def)
	} else {
		fmt.Fprintf(out, "%s: ", label)
	}
	s, err := readLine(ctx, in, nil, func() (string, error) {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !(err == io.EOF && line != "") {
			return "", err
		}
		return strings.TrimRight(line, "\r\n"), nil
	})
	if err != nil {
		return "", err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	return s, nil
}

// Password asks for a secret with echo turned off.
func (t *TTY) Password(ctx context.Context, label string) (string, error) {
	in, out, err := t.open()
	if err != nil {
		return "", err
	}
	defer closeTerminal(in, out)
	fmt.Fprintf(out, "%s: ", label)
	state, err := term.GetState(int(in.Fd()))
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNoTerminal, err)
	}
	defer term.Restore(int(in.Fd()), state)
	restore := func() { term.Restore(int(in.Fd()), state) }
	s, err := readLine(ctx, in, restore, func() (string, error) {
		b, err := term.ReadPassword(int(in.Fd()))
		return string(b), err
	})
	fmt.Fprintln(out)
	return s, err
}

// Select shows a numbered list and reads a number.
func (t *TTY) Select(ctx context.Context, label string, options []string) (int, error) {
	for attempt := 0; attempt < 3; attempt++ {
		in, out, err := t.open()
		if err != nil {
			return 0, err
		}
		fmt.Fprintln(out, label)
		for i, o := range options {
			fmt.Fprintf(out, "  %d) %s\n", i+1, o)
		}
		closeTerminal(in, out)
		answer, err := t.Input(ctx, fmt.Sprintf("Choose 1-%d", len(options)), "")
		if err != nil {
			return 0, err
		}
		n, convErr := strconv.Atoi(answer)
		if convErr == nil && n >= 1 && n <= len(options) {
			return n - 1, nil
		}
		if out, err := openOut(); err == nil {
			fmt.Fprintf(out, "%q is not a number from 1 to %d\n", answer, len(options))
			out.Close()
		}
	}
	return 0, fmt.Errorf("no valid choice after 3 tries")
}
