package provider

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
)

func TestWaiter(t *testing.T) {
	ctx := context.Background()
	stub := &prompt.Stub{Answers: []string{"123456"}}
	w := StartWait(ctx, stub, "Waiting")
	<-w.SleepContext(ctx).Done() // the typed line cuts a sleep short
	line, ok, err := w.Typed()
	if line != "123456" || !ok || err != nil {
		t.Errorf("Typed = %q, %v, %v", line, ok, err)
	}
	if _, ok, _ := w.Typed(); ok {
		t.Error("the line was reported twice")
	}
	w.End()

	// Nobody types: End takes the line off.
	stub = &prompt.Stub{}
	w = StartWait(ctx, stub, "Waiting")
	if _, ok, err := w.Typed(); ok || err != nil {
		t.Errorf("a line before anyone typed: %v %v", ok, err)
	}
	done := make(chan struct{})
	go func() { w.End(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("End did not return")
	}

	// No terminal: said once.
	w = StartWait(ctx, &prompt.TTY{Disabled: true}, "Waiting")
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, ok, err := w.Typed()
		if err != nil {
			if ok || !errors.Is(err, prompt.ErrNoTerminal) {
				t.Errorf("Typed = %v, %v", ok, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ErrNoTerminal")
		}
		time.Sleep(time.Millisecond)
	}
	w.End()
}
