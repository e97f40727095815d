// Package credprocess implements `awsfed credential-process`: the command an
// AWS profile's credential_process runs. It prints the keys as the AWS CLI
// and SDKs expect them on stdout and nothing else; cached keys are served
// with no network call, and a sign-in, when one is needed, asks only on the
// terminal (/dev/tty), never on stdout or stderr, which the AWS tool reads.
package credprocess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/cmd/factory"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// Options are the flags and arguments of one run.
type Options struct {
	F             *factory.Factory
	Account       string
	Login         cmdutil.LoginFlags
	RefreshWindow time.Duration
}

// NewCmd returns the credential-process command.
func NewCmd(f *factory.Factory) *cobra.Command {
	opts := &Options{F: f}
	cmd := &cobra.Command{
		Use:   "credential-process ACCOUNT",
		Short: "Print an account's keys for an AWS profile's credential_process",
		Long: `Print the account's temporary keys as the JSON that AWS tools read from a
profile's credential_process. Keys cached by an earlier sign-in are served
without a network call while they have more than --refresh-window left;
otherwise awsfed signs in again, taking the password from the keyring
(--store-password) or asking on the terminal. With no terminal it fails with
one line saying to run awsfed login.

Set it up with: awsfed setup-profile ACCOUNT`,
		Example: `  # ~/.aws/config
  [profile dev]
  credential_process = /usr/local/bin/awsfed credential-process dev`,
		Args: cobra.MaximumNArgs(1),
		// A cache hit waits on nothing; a sign-in makes the run
		// interruptible when it starts (cmdutil).
		Annotations: map[string]string{factory.LazySignals: "true"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Account = args[0]
			}
			return Run(cmd.Context(), opts)
		},
	}
	opts.Login.Register(cmd.Flags())
	cmd.Flags().DurationVar(&opts.RefreshWindow, "refresh-window", cmdutil.DefaultRefreshWindow, "sign in again when the cached keys have less than this left")
	return cmd
}

// Run prints the keys.
func Run(ctx context.Context, opts *Options) error {
	f := opts.F
	var progress io.Writer = io.Discard
	if f.DebugOn {
		progress = f.IO.ErrOut
	}
	s, e, err := cmdutil.AccountKeys(ctx, f, opts.Account, &opts.Login, opts.RefreshWindow, progress, true)
	if err != nil && s != nil {
		return explain(err, s.Login.Account)
	}
	if err != nil {
		return err
	}
	return Print(f.IO.Out, e)
}

// Print writes e as credential_process JSON (Version 1) on one line. It is
// put together by hand, the strings escaped by encoding/json: encoding/json
// looks a struct type over by reflection on its first use, a sizeable part
// of a cache hit's own work.
func Print(w io.Writer, e *cache.Entry) error {
	b := make([]byte, 0, 128+len(e.AccessKeyID)+len(e.SecretAccessKey)+len(e.SessionToken))
	b = append(b, `{"Version":1,"AccessKeyId":`...)
	b = appendString(b, e.AccessKeyID)
	b = append(b, `,"SecretAccessKey":`...)
	b = appendString(b, e.SecretAccessKey)
	b = append(b, `,"SessionToken":`...)
	b = appendString(b, e.SessionToken)
	b = append(b, `,"Expiration":`...)
	b = appendString(b, e.Expiration.UTC().Format(time.RFC3339))
	b = append(b, "}\n"...)
	_, err := w.Write(b)
	return err
}

// appendString appends s as a JSON string, escaped as encoding/json does.
// Keys and dates need no escaping: they are copied as they are.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, err := json.Marshal(s)
			if err != nil { // a string always encodes
				panic(err)
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// explain turns "cannot ask" into the one thing to do: sign in by hand.
func explain(err error, account string) error {
	var input *provider.InputNeededError
	if errors.As(err, &input) && input.Desktop {
		return &provider.InputNeededError{Desktop: true,
			What: fmt.Sprintf("the keys of %s need a sign-in in a browser window, and none can be shown here: run `awsfed login %s` on a desktop session once", account, account),
		}
	}
	if errors.As(err, &input) || errors.Is(err, prompt.ErrNoTerminal) {
		// One line: the AWS tool shows it as it is, between its own words.
		return &provider.InputNeededError{
			What: fmt.Sprintf("the keys of %s need a new sign-in and there is no terminal to ask on: run `awsfed login %s`", account, account),
		}
	}
	return err
}
