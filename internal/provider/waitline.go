package provider

import (
	"context"

	"github.com/awsfed/awsfed/internal/prompt"
)

// Waiter shows a live wait line (Prompter.Wait) while a provider polls (a
// push approval, a device code), and hands over the line the user types
// instead of waiting.
type Waiter struct {
	answers  chan waitAnswer
	stop     context.CancelFunc
	wake     context.Context // ends when the user typed: cuts a sleep short
	received bool
}

type waitAnswer struct {
	line string
	err  error
}

// StartWait shows label on the terminal until End.
func StartWait(ctx context.Context, p prompt.Prompter, label string) *Waiter {
	waitCtx, stop := context.WithCancel(ctx)
	wake, woke := context.WithCancel(ctx)
	w := &Waiter{answers: make(chan waitAnswer, 1), stop: stop, wake: wake}
	go func() {
		line, err := p.Wait(waitCtx, label)
		w.answers <- waitAnswer{line, err}
		if err == nil {
			woke()
		}
	}()
	context.AfterFunc(ctx, woke)
	return w
}

// Typed reports, once, what the wait line ended with: the line the user
// typed ("" = they want to type a code; ok), or why no line could be shown
// (prompt.ErrNoTerminal, ctx's error: err). Until then, and after, it
// returns nothing.
func (w *Waiter) Typed() (line string, ok bool, err error) {
	if w.received {
		return "", false, nil
	}
	select {
	case a := <-w.answers:
		w.received = true
		return a.line, a.err == nil, a.err
	default:
		return "", false, nil
	}
}

// SleepContext is what a poll's sleep waits on: ctx, cut short when the
// user types (while a line may still come).
func (w *Waiter) SleepContext(ctx context.Context) context.Context {
	if w.received {
		return ctx
	}
	return w.wake
}

// End takes the line off the terminal; anything asked afterwards starts on
// a clean line. A line typed just before, which Typed did not report, is
// returned (ok) so that it is not lost.
func (w *Waiter) End() (line string, ok bool) {
	w.stop()
	if w.received {
		return "", false
	}
	a := <-w.answers
	w.received = true
	return a.line, a.err == nil
}
