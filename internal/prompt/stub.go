package prompt

import (
	"context"
	"fmt"
	"sync"
)

// Stub answers questions from a script, for tests. Each question consumes the
// next answer; a question with no answer left fails with ErrNoTerminal, so a
// test that did not expect a prompt notices it.
type Stub struct {
	mu      sync.Mutex
	Answers []string
	Asked   []string // labels of the questions asked, in order
}

func (s *Stub) next(label string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Asked = append(s.Asked, label)
	if len(s.Answers) == 0 {
		return "", fmt.Errorf("%w (stub has no answer for %q)", ErrNoTerminal, label)
	}
	a := s.Answers[0]
	s.Answers = s.Answers[1:]
	return a, nil
}

// Input returns the next answer, or def when it is empty.
func (s *Stub) Input(ctx context.Context, label, def string) (string, error) {
	a, err := s.next(label)
	if a == "" && err == nil {
		return def, nil
	}
	return a, err
}

// Password returns the next answer.
func (s *Stub) Password(ctx context.Context, label string) (string, error) { return s.next(label) }

// Select returns the next answer parsed as a 1-based number.
func (s *Stub) Select(ctx context.Context, label string, options []string) (int, error) {
	a, err := s.next(label)
	if err != nil {
		return 0, err
	}
	var n int
	if _, err := fmt.Sscanf(a, "%d", &n); err != nil || n < 1 || n > len(options) {
		return 0, fmt.Errorf("stub answer %q is not a choice from 1 to %d", a, len(options))
	}
	return n - 1, nil
}

// Wait returns the next answer at once (a code typed while waiting). With no
// answer left it blocks until ctx ends, as a terminal left alone would, and
// records the question all the same.
func (s *Stub) Wait(ctx context.Context, label string) (string, error) {
	s.mu.Lock()
	s.Asked = append(s.Asked, label)
	if len(s.Answers) > 0 {
		a := s.Answers[0]
		s.Answers = s.Answers[1:]
		s.mu.Unlock()
		return a, nil
	}
	s.mu.Unlock()
	<-ctx.Done()
	return "", ctx.Err()
}
