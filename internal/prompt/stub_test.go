package prompt

import (
	"context"
	"errors"
	"testing"
)

func TestStubAnswersInOrderThenNoTerminal(t *testing.T) {
	ctx := context.Background()
	s := &Stub{Answers: []string{"", "secret", "2", "9"}}
	if got, _ := s.Input(ctx, "Username", "alice"); got != "alice" {
		t.Errorf("empty answer should give the default, got %q", got)
	}
	if got, _ := s.Password(ctx, "Password"); got != "secret" {
		t.Errorf("password = %q", got)
	}
	if i, err := s.Select(ctx, "Role", []string{"a", "b"}); err != nil || i != 1 {
		t.Errorf("select = %d, %v", i, err)
	}
	if _, err := s.Select(ctx, "Role", []string{"a", "b"}); err == nil {
		t.Error("out-of-range choice accepted")
	}
	if _, err := s.Password(ctx, "Code"); !errors.Is(err, ErrNoTerminal) {
		t.Errorf("no answers left: err = %v, want ErrNoTerminal", err)
	}
	if len(s.Asked) != 5 {
		t.Errorf("asked = %q", s.Asked)
	}
}

func TestDisabledTTYNeverAsks(t *testing.T) {
	p := &TTY{Disabled: true}
	ctx := context.Background()
	if _, err := p.Password(ctx, "Password"); !errors.Is(err, ErrNoTerminal) {
		t.Errorf("err = %v", err)
	}
	if _, err := p.Select(ctx, "Role", []string{"a"}); !errors.Is(err, ErrNoTerminal) {
		t.Errorf("err = %v", err)
	}
}
