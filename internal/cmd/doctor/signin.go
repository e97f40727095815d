package doctor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/keyring"
	"github.com/awsfed/awsfed/internal/provider"
)

// signIn is --sign-in: each account signs in as login would (the password
// from the keyring, the environment or the terminal), and STS says whose
// the keys are. The keys are written nowhere.
func (d *doctor) signIn(ctx context.Context, logins []*config.Login) []Result {
	lf := cmdutil.LoginFlags{Timeout: d.opts.Timeout, MFATimeout: 90 * time.Second, BrowserTimeout: 5 * time.Minute}
	var rs []Result
	for _, l := range logins {
		rs = append(rs, d.signInOne(ctx, l.Account, &lf))
	}
	return rs
}

func (d *doctor) signInOne(ctx context.Context, account string, lf *cmdutil.LoginFlags) Result {
	subject := "account " + account
	s, err := cmdutil.Prepare(ctx, d.f, account, lf, d.f.IO.ErrOut)
	if err != nil {
		return fail(subject, "sign-in", err.Error(), hintOf(err))
	}
	e, err := s.Acquire(ctx)
	if err != nil {
		return fail(subject, "sign-in", err.Error(), hintOf(err))
	}
	id, err := s.Options.STS.GetCallerIdentity(ctx, cmdutil.SessionOf(e).Credentials)
	if err != nil {
		return fail(subject, "sign-in", "the new keys do not work: "+err.Error(), hintOf(err))
	}
	return pass(subject, "sign-in", fmt.Sprintf("signed in: keys of %s, good until %s UTC (written nowhere)", id.ARN, e.Expiration.UTC().Format("2006-01-02 15:04")))
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
