package prompt

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Wait redraws "label… 12s (press Enter to type a code instead)" once a
// second on the terminal's line and reads a line meanwhile. The terminal
// stays in line mode, so a code typed without pressing Enter first is still
// read whole (the redraw may hide its echo, which is why the hint asks for
// Enter first).
func (t *TTY) Wait(ctx context.Context, label string) (string, error) {
	in, out, err := t.open()
	if err != nil {
		return "", err
	}
	defer closeTerminal(in, out)
	lines := make(chan string, 1)
	go func() {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !(err == io.EOF && line != "") {
			close(lines)
			return
		}
		lines <- strings.TrimSpace(line)
	}()
	start := time.Now()
	draw := func() {
		fmt.Fprintf(out, "\r\033[K%s… %ds (press Enter to type a code instead)", label, int(time.Since(start).Seconds()))
	}
	draw()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case line, ok := <-lines:
			fmt.Fprint(out, "\r\033[K")
			if !ok {
				return "", fmt.Errorf("%w (the terminal closed)", ErrNoTerminal)
			}
			return line, nil
		case <-tick.C:
			draw()
		case <-ctx.Done():
			fmt.Fprint(out, "\r\033[K")
			// Closing the terminal (deferred) unblocks the reader.
			in.Close()
			return "", ctx.Err()
		}
	}
}
