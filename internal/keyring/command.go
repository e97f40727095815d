package keyring

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/awsfed/awsfed/internal/childproc"
)

// maxToolMessage caps how much of a helper's stderr reaches an error.
const maxToolMessage = 200

// toolError is a helper program's failure: its exit status and the first
// line of what it said, capped, so an error never carries a wall of gpg
// output (nor, should a helper ever echo its input, much of a secret).
type toolError struct {
	name string
	code int // -1 when the program did not exit by itself
	said string
	err  error
}

func (e *toolError) Error() string {
	msg := fmt.Sprintf("%s: %v", e.name, e.err)
	if e.said != "" {
		msg += ": " + e.said
	}
	return msg
}

func (e *toolError) Unwrap() error { return e.err }

// runTool runs a helper with stdin (never the secret in argv, where other
// users can read it) and returns its stdout and stderr. env nil means the
// process environment; either way without awsfed's variables (see
// helperEnv). ctx ending kills it.
func runTool(ctx context.Context, env []string, stdin io.Reader, name string, args ...string) (stdout, stderr []byte, err error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = helperEnv(env)
	cmd.Stdin = stdin
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if err == nil {
		return out.Bytes(), errOut.Bytes(), nil
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	te := &toolError{name: name, code: -1, said: oneLine(errOut.String()), err: err}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		te.code = exit.ExitCode()
	}
	return nil, nil, te
}

// helperEnv is env (nil = the process's) without any AWSFED_ variable: they
// carry the IdP password, the keyring passphrase, MFA codes and provider
// secrets, which pass, gpg and security have no use for and could leak (to
// a gpg-agent they start, a hook, a crash report). Dropping the whole prefix
// rather than a list keeps a secret added later out too, and the keyring
// needs no list from the layers above.
func helperEnv(env []string) []string {
	if env == nil {
		env = os.Environ()
	}
	return childproc.Env(env, nil, childproc.NamesWithPrefix(env, "AWSFED_"))
}

// oneLine keeps the first non-empty line of a helper's message, without
// control characters, capped at maxToolMessage bytes.
func oneLine(s string) string {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, line))
		if line == "" {
			continue
		}
		if len(line) > maxToolMessage {
			cut := maxToolMessage
			for cut > 0 && !utf8.RuneStart(line[cut]) {
				cut--
			}
			line = line[:cut] + "…"
		}
		return line
	}
	return ""
}
