package cmdutil

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/iostreams"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// Once the IdP has rejected a password, no later sign-in of the same run
// (exec's endpoint is asked again and again) sends it, whatever its source.
func TestRejectedPasswordIsNeverSentAgain(t *testing.T) {
	io, _, _, _ := iostreams.Test()
	env := map[string]string{"AWSFED_PASSWORD": "wrong"}
	f := &factory.Factory{IO: io, Env: func(k string) string { return env[k] }}
	s, err := newSecrets(context.Background(), f, &config.Login{Account: "dev", Settings: map[string]string{}}, &LoginFlags{})
	if err != nil {
		t.Fatal(err)
	}
	stub := &prompt.Stub{Answers: []string{"typed"}}
	if pw, err := s.password(context.Background(), stub); pw != "wrong" || err != nil {
		t.Fatalf("first: %q, %v", pw, err)
	}
	rejected := &provider.RejectedError{Username: "alice"}
	if err := s.finish(context.Background(), rejected); !errors.Is(err, rejected) {
		t.Fatalf("finish = %v", err)
	}
	pw, err := s.password(context.Background(), stub)
	if pw != "" || !errors.Is(err, rejected) {
		t.Errorf("after a rejection: %q, %v; want the rejection again", pw, err)
	}
	if len(stub.Asked) != 0 {
		t.Errorf("asked %q after a rejection", stub.Asked)
	}
}

// The password and code lines are read one byte at a time, so that the
// rest of stdin is left for the command awsfed exec runs.
func TestReadStdinLeavesTheRest(t *testing.T) {
	r := strings.NewReader("p&ss w\r\n123456\nfor the child\n")
	pw, code, err := readStdin(r, &LoginFlags{PasswordStdin: true, MFACodeStdin: true})
	if err != nil || pw != "p&ss w" || code != "123456" {
		t.Fatalf("got %q, %q, %v", pw, code, err)
	}
	rest := make([]byte, 100)
	n, _ := r.Read(rest)
	if string(rest[:n]) != "for the child\n" {
		t.Errorf("left %q", rest[:n])
	}
	if _, _, err := readStdin(strings.NewReader(""), &LoginFlags{PasswordStdin: true}); err == nil {
		t.Error("empty stdin accepted")
	}
	if pw, _, err := readStdin(strings.NewReader("no newline"), &LoginFlags{PasswordStdin: true}); err != nil || pw != "no newline" {
		t.Errorf("last line without newline: %q, %v", pw, err)
	}
}
