package login

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/signin"
)

// accountResult is one account's line, and its --json object.
type accountResult struct {
	Account         string    `json:"account"`
	Profile         string    `json:"profile"`
	RoleARN         string    `json:"role_arn,omitempty"`
	Expiration      time.Time `json:"expiration,omitzero"`
	CallerARN       string    `json:"caller_arn,omitempty"`
	CredentialsFile string    `json:"credentials_file,omitempty"`
	Cached          bool      `json:"cached,omitempty"`
	Error           string    `json:"error,omitempty"`

	err     error
	session *signin.Session
	s       *cmdutil.Session
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
	results := make([]*accountResult, len(sessions))
	for i, s := range sessions {
		s.Options.Err = f.IO.ErrOut // notes (a chained duration capped, a retry at 1h)
		accounts[i] = s.Account(window)
		results[i] = &accountResult{Account: s.Login.Account, Profile: s.Login.Profile, s: s}
	}
	// The one sign-in shows its progress line as a single login does.
	first := sessions[0]
	outs := signin.Many(ctx, accounts, first.Assert)
	first.Options.Input.MFACode = ""
	for i, out := range outs {
		r := results[i]
		r.err, r.session, r.Cached = out.Err, out.Session, out.Cached
		if out.Session != nil {
			r.RoleARN, r.Expiration = out.Session.RoleARN, out.Session.Expiration.UTC()
		}
	}
	if err := publishAll(ctx, opts, results); err != nil {
		return err
	}
	if !opts.NoVerify {
		testAll(ctx, results)
	}
	report(f.IO.ErrOut, results, f.Now())
	if opts.JSON {
		enc := json.NewEncoder(f.IO.Out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	return batchError(results)
}

// publishAll writes the keys of every account that got some, except those
// whose profile runs awsfed's credential_process (their keys are in the
// cache), into the credentials file in one update.
func publishAll(ctx context.Context, opts *Options, results []*accountResult) error {
	f := opts.F
	profiles := map[string]awsfiles.Keys{}
	var written []*accountResult
	for _, r := range results {
		if r.err != nil {
			continue
		}
		viaProcess, err := usesCredentialProcess(f, r.Profile)
		if err != nil {
			return err
		}
		if viaProcess {
			continue
		}
		file := r.s.Options.CredentialsFile
		if err := signin.RefuseLongTermKeys(file, r.Profile); err != nil {
			r.err = err
			continue
		}
		if _, dup := profiles[r.Profile]; dup {
			r.err = fmt.Errorf("profile %s is also the profile of another account named: give each account its own profile", r.Profile)
			continue
		}
		profiles[r.Profile] = awsfiles.Keys{
			AccessKeyID: r.session.AccessKeyID, SecretAccessKey: r.session.SecretAccessKey,
			SessionToken: r.session.SessionToken, Expiration: r.session.Expiration,
		}
		r.CredentialsFile = file
		written = append(written, r)
	}
	if len(written) == 0 {
		return nil
	}
	if err := awsfiles.WriteProfiles(ctx, written[0].CredentialsFile, profiles, awsfiles.Notify(f.IO.ErrOut)); err != nil {
		for _, r := range written {
			r.err, r.CredentialsFile = err, ""
		}
	}
	return nil
}

// testAll asks STS who each account's keys belong to, all at once.
func testAll(ctx context.Context, results []*accountResult) {
	var wg sync.WaitGroup
	for _, r := range results {
		if r.err != nil {
			continue
		}
		wg.Go(func() {
			id, err := r.s.Options.STS.GetCallerIdentity(ctx, r.session.Credentials)
			if err != nil {
				r.err = fmt.Errorf("testing the keys: %w", err)
				return
			}
			r.CallerARN = id.ARN
		})
	}
	wg.Wait()
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
