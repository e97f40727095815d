package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/keyring"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/signin"
)

// signIn is --sign-in: the accounts of each IdP and user sign in once, as
// login does for several accounts (the password from the keyring, the
// environment or the terminal), each role is assumed, and STS says whose
// the keys are. The keys are kept nowhere.
func (d *doctor) signIn(ctx context.Context, logins []*config.Login) []Result {
	lf := cmdutil.LoginFlags{Timeout: d.opts.Timeout, MFATimeout: 90 * time.Second, BrowserTimeout: 5 * time.Minute}
	var groups [][]string
	index := map[string]int{}
	for _, l := range logins {
		root := l.Root()
		key := root.IdPName + "\n" + root.URL + "\n" + root.Username
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], l.Account)
	}
	var rs []Result
	for _, names := range groups {
		rs = append(rs, d.signInOnce(ctx, names, &lf)...)
	}
	return rs
}

// signInOnce signs in once for accounts, which share an IdP and user.
func (d *doctor) signInOnce(ctx context.Context, accounts []string, lf *cmdutil.LoginFlags) []Result {
	var rs []Result
	sessions, err := cmdutil.PrepareMany(ctx, d.f, accounts, lf, io.Discard)
	if err != nil {
		for _, name := range accounts {
			rs = append(rs, fail("account "+name, "sign-in", err.Error(), hintOf(err)))
		}
		return rs
	}
	many := make([]*signin.Account, len(sessions))
	for i, s := range sessions {
		s.Options.Err = d.f.IO.ErrOut
		many[i] = s.Account(-1) // a real sign-in: nothing cached counts
		for a := many[i]; a != nil; a = a.Source {
			a.Keep = nil
		}
	}
	for i, out := range signin.Many(ctx, many, sessions[0].Assert) {
		s := sessions[i]
		subject := "account " + s.Login.Account
		if out.Err != nil {
			rs = append(rs, fail(subject, "sign-in", out.Err.Error(), hintOf(out.Err)))
			continue
		}
		id, err := s.Options.STS.GetCallerIdentity(ctx, out.Session.Credentials)
		if err != nil {
			rs = append(rs, fail(subject, "sign-in", "the new keys do not work: "+err.Error(), hintOf(err)))
			continue
		}
		rs = append(rs, pass(subject, "sign-in", fmt.Sprintf("signed in: keys of %s, good until %s UTC (kept nowhere)", id.ARN, out.Session.Expiration.UTC().Format("2006-01-02 15:04"))))
	}
	return rs
}

// hintOf finds the fix an error carries, as app's report would print it.
func hintOf(err error) string {
	var (
		input   *provider.InputNeededError
		unreach *httpx.UnreachableError
		refused *httpx.RefusedError
		resolve *config.ResolveError
		cfg     *config.Error
		ring    *keyring.Error
		hinter  interface{ Hint() string }
	)
	switch {
	case errors.As(err, &input) && input.Hint != "":
		return input.Hint
	case errors.As(err, &unreach) && unreach.Hint != "":
		return unreach.Hint
	case errors.As(err, &refused) && refused.Hint != "":
		return refused.Hint
	case errors.As(err, &resolve) && resolve.Hint != "":
		return resolve.Hint
	case errors.As(err, &cfg) && cfg.Hint != "":
		return cfg.Hint
	case errors.As(err, &ring) && ring.Hint != "":
		return ring.Hint
	case errors.As(err, &hinter) && hinter.Hint() != "":
		return hinter.Hint()
	}
	return "run awsfed login ACCOUNT --debug to see each step"
}
