package login

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/signin"
)

// accountResult is one account's line, and its --json object.
type accountResult struct {
	Account string `json:"account"`
	signin.Result
	Cached bool   `json:"cached,omitempty"`
	Error  string `json:"error,omitempty"`

	err error
}

// runMany logs in to several accounts with one sign-in.
func runMany(ctx context.Context, opts *Options) error {
	f := opts.F
	names := opts.Accounts
	if opts.All {
		file, err := config.LoadDefault(f.Getenv)
		if err != nil {
			return err
		}
		names = file.AccountsOf(opts.Login.Overrides.IdP)
		if len(names) == 0 {
			where := ""
			if idp := opts.Login.Overrides.IdP; idp != "" {
				where = " of [idp " + idp + "]"
			}
			return &provider.InputNeededError{What: fmt.Sprintf("--all: no accounts%s in %s", where, file.Path), Hint: "add [account NAME] sections (awsfed configure), or name the accounts"}
		}
	}
	sessions, err := cmdutil.PrepareMany(ctx, f, names, &opts.Login, io.Discard)
	if err != nil {
		return err
	}
	if err := askUsername(ctx, opts, sessions[0], sessions[1:]...); err != nil {
		return err
	}
	window := opts.RefreshWindow
	if opts.Force {
		window = -1 // nothing cached counts
	}
	accounts := make([]*signin.Account, len(sessions))
	for i, s := range sessions {
		s.Options.Err = f.IO.ErrOut // notes (a chained duration capped, a retry at 1h)
		s.Options.SkipTest = opts.NoVerify
		accounts[i] = s.Account(window)
	}
	// The one sign-in shows its progress line as a single login does.
	first := sessions[0]
	outs := signin.Many(ctx, accounts, first.Assert)
	first.Options.Input.MFACode = ""

	results := make([]*accountResult, len(sessions))
	var publish []*signin.Published
	var published []*accountResult
	var viaProcess func(profile string) bool
	for i, out := range outs {
		s := sessions[i]
		r := &accountResult{Account: s.Login.Account, Result: signin.Result{Profile: s.Login.Profile}, Cached: out.Cached, err: out.Err}
		results[i] = r
		if out.Err != nil {
			continue
		}
		if viaProcess == nil {
			if viaProcess, err = credentialProcessProfiles(f); err != nil {
				return err
			}
		}
		o := s.Options
		o.ViaProcess = viaProcess(s.Login.Profile)
		publish = append(publish, &signin.Published{Options: o, Session: out.Session})
		published = append(published, r)
	}
	signin.PublishMany(ctx, publish, f.IO.ErrOut)
	for i, p := range publish {
		published[i].Result, published[i].err = p.Result, p.Err
	}
	shared := sharedFailure(results)
	if shared == nil {
		report(f.IO.ErrOut, results, f.Now())
	}
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	if shared != nil {
		// The sign-in itself failed: one error says it for every account.
		return shared
	}
	return batchError(results)
}

// sharedFailure is the error of every account when they all failed for the
// same reason (the sign-in), else nil.
func sharedFailure(results []*accountResult) error {
	for _, r := range results {
		if r.err == nil || r.err != results[0].err {
			return nil
		}
	}
	for _, r := range results {
		r.Error = r.err.Error()
	}
	return results[0].err
}

// report prints one line per account.
func report(w io.Writer, results []*accountResult, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range results {
		if r.err != nil {
			r.Error = r.err.Error()
			fmt.Fprintf(tw, "%s\tfailed\t%s\n", r.Account, oneLine(r.Error))
			continue
		}
		where := "profile " + r.Profile
		if r.CredentialsFile == "" {
			where += " (credential_process: cached)"
		}
		from := "new"
		if r.Cached {
			from = "cached"
		}
		who := r.CallerARN
		if who == "" {
			who = r.RoleARN
		}
		fmt.Fprintf(tw, "%s\tok\t%s\t%s, %s keys, %s left\n", r.Account, who, where, from, config.FormatDuration(r.Expiration.Sub(now).Truncate(time.Minute)))
	}
	tw.Flush()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// batchError is nil when every account succeeded.
func batchError(results []*accountResult) error {
	var failed []signin.AccountError
	for _, r := range results {
		if r.err != nil {
			failed = append(failed, signin.AccountError{Account: r.Account, Err: r.err})
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return &signin.BatchError{Failed: failed, Of: len(results)}
}
