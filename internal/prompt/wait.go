package prompt

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// TypeCodeHint ends the label of a wait that a typed code may cut short.
// The redraw may hide the echo of a code typed straight away (the terminal
// stays in line mode, so it is still read whole), which is why it asks for
// Enter first.
const TypeCodeHint = " (press Enter to type a code instead)"

// Wait redraws "label… 12s" once a second on the terminal's line and reads a
// line meanwhile. A note in brackets that ends the label stays after the
// seconds: "Waiting for approval on OneLogin Protect… 12s (press Enter to
// type a code instead)". The caller says in the label what a typed line does
// (TypeCodeHint): a browser window or a device code has nothing to type.
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
	text, note := splitNote(label)
	draw := func() {
		fmt.Fprintf(out, "\r\033[K%s… %ds%s", text, int(time.Since(start).Seconds()), note)
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

// splitNote splits a trailing " (note)" off label.
func splitNote(label string) (text, note string) {
	if !strings.HasSuffix(label, ")") {
		return label, ""
	}
	if i := strings.LastIndex(label, " ("); i > 0 {
		return label[:i], label[i:]
	}
	return label, ""
}
