// Package prompt asks the person at the terminal for input. It owns every
// interactive question awsfed asks (username, password, role choice, and
// later MFA device and codes) and reads from /dev/tty, never from piped
// stdin, so that data on stdin and answers from the user cannot mix.
// It knows nothing of IdPs, SAML or AWS.
package prompt

import (
	"context"
	"errors"
)

// ErrNoTerminal is returned by every Prompter method when there is no
// terminal to ask on (CI, cron, a credential_process child without a tty).
var ErrNoTerminal = errors.New("no terminal to ask on")

// Prompter asks questions. Implementations MUST return ErrNoTerminal (possibly
// wrapped) when they cannot reach the user, MUST NOT echo passwords, and MUST
// return ctx.Err() when ctx is cancelled while waiting.
type Prompter interface {
	// Input asks for one line of text; an empty answer returns def.
	Input(ctx context.Context, label, def string) (string, error)
	// Password asks for a secret without echo. The answer is returned
	// exactly as typed, without the line end.
	Password(ctx context.Context, label string) (string, error)
	// Select shows options numbered from 1 and returns the chosen index (0-based).
	Select(ctx context.Context, label string, options []string) (int, error)
	// Wait shows label with a live count of the seconds waited until ctx
	// ends (the caller cancels it when what it waits for has happened), and
	// returns early with the line the user typed instead; an empty line means
	// "let me type a code", and the caller then asks with Input or Password.
	// It returns ctx.Err() when ctx ends first and ErrNoTerminal at once when
	// there is no terminal, in which case the caller simply keeps waiting.
	Wait(ctx context.Context, label string) (string, error)
}
