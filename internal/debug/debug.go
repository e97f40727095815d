// Package debug writes --debug output. Callers MUST NOT pass secrets
// (passwords, codes, cookies, assertions, secret keys, session tokens):
// log names, hosts, paths and status codes only.
package debug

import (
	"fmt"
	"io"
	"sync"
)

// Logger writes one line per call. A nil *Logger discards everything, so
// callers never need to check whether debugging is on.
type Logger struct {
	mu sync.Mutex
	w  io.Writer
}

// New returns a Logger writing to w, or nil when w is nil.
func New(w io.Writer) *Logger {
	if w == nil {
		return nil
	}
	return &Logger{w: w}
}

// Printf writes one "debug: " line.
func (l *Logger) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, "debug: "+format+"\n", args...)
}

// Enabled reports whether output goes anywhere.
func (l *Logger) Enabled() bool { return l != nil }
