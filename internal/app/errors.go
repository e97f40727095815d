package app

import (
	"errors"
	"io"
	"strings"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/keyring"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/signin"
	"github.com/awsfed/awsfed/internal/sts"
)

// report prints err with its hint and returns the exit code. This is the one
// place where error types become exit codes.
func report(w io.Writer, err error) int {
	msg := err.Error()
	var (
		usage      *usageError
		rejected   *provider.RejectedError
		mfa        *provider.MFARejectedError
		input      *provider.InputNeededError
		cancelled  *provider.CancelledError
		page       *provider.UnexpectedPageError
		service    *provider.ServiceError
		resolve    *config.ResolveError
		cfgErr     *config.Error
		fileErr    *awsfiles.FileError
		unreach    *httpx.UnreachableError
		refused    *httpx.RefusedError
		stsErr     *sts.Error
		notGranted *signin.RoleNotGrantedError
		longTerm   *signin.LongTermKeysError
		federation *sts.FederationError
	)
	var batch *signin.BatchError
	if errors.As(err, &batch) {
		return reportBatch(w, batch)
	}
	var (
		exit       *cmdutil.ExitError
		storedPass *cmdutil.StoredPasswordRejectedError
		ringErr    *keyring.Error
	)
	switch {
	case errors.As(err, &exit):
		if exit.Msg != "" {
			writeErr(w, exit.Msg, exit.Hint)
		}
		return exit.Code
	case errors.As(err, &storedPass):
		writeErr(w, msg, storedPass.Hint())
		return ExitRejected
	case errors.As(err, &ringErr):
		writeErr(w, msg, ringErr.Hint)
		return ExitError
	case errors.As(err, &usage):
		writeErr(w, msg, "run '"+usage.cmd+" --help' for usage")
		return ExitInput
	case errors.As(err, &rejected):
		writeErr(w, msg, "check the username and password (awsfed tried once and did not retry, so it cannot have locked the account)")
		return ExitRejected
	case errors.As(err, &mfa):
		hint := mfa.Hint
		if hint == "" {
			hint = "try again with a fresh code, or pick another device"
		}
		writeErr(w, msg, hint)
		return ExitRejected
	case errors.As(err, &service):
		writeErr(w, msg, service.Hint)
		if service.Rejected {
			return ExitRejected
		}
		return ExitError
	case errors.As(err, &notGranted):
		writeErr(w, msg, notGranted.Hint())
		return ExitRejected
	case errors.As(err, &cancelled):
		writeErr(w, msg, cancelled.Hint)
		return ExitInterrupted
	case errors.As(err, &input):
		writeErr(w, msg, input.Hint)
		return ExitInput
	case errors.As(err, &resolve):
		writeErr(w, msg, resolve.Hint)
		return ExitInput
	case errors.Is(err, prompt.ErrNoTerminal):
		writeErr(w, msg, "run awsfed in a terminal, or pass every answer as a flag")
		return ExitInput
	case errors.As(err, &cfgErr):
		writeErr(w, "configuration "+msg, cfgErr.Hint)
		return ExitError
	case errors.As(err, &fileErr):
		writeErr(w, msg, fileErr.Hint)
		return ExitError
	case errors.As(err, &refused):
		writeErr(w, msg, refused.Hint)
		return ExitError
	case errors.As(err, &unreach):
		writeErr(w, msg, unreach.Hint)
		return ExitError
	case errors.As(err, &page):
		hint := page.Hint
		if hint == "" {
			hint = "check that the URL is the IdP-initiated sign-on URL for AWS; --debug shows each page visited"
		}
		writeErr(w, msg, hint)
		return ExitError
	case errors.As(err, &stsErr):
		writeErr(w, msg, stsErr.Cause())
		if stsErr.Rejected() {
			return ExitRejected
		}
		return ExitError
	case errors.As(err, &federation):
		writeErr(w, msg, federation.Hint())
		return ExitError
	case errors.As(err, &longTerm):
		writeErr(w, msg, longTerm.Hint())
		return ExitError
	}
	if strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "accepts ") || strings.Contains(msg, "arg(s)") {
		writeErr(w, msg, "run 'awsfed --help' for usage")
		return ExitInput
	}
	writeErr(w, msg, "")
	return ExitError
}

// reportBatch ends a sign-in for several accounts, each of which has had
// its result line: one line saying which failed, the hint of the worst
// failure, and its exit code (rejected beats input needed beats error).
func reportBatch(w io.Writer, batch *signin.BatchError) int {
	code, hint := 0, ""
	for _, f := range batch.Failed {
		var buf strings.Builder
		c := report(&buf, f.Err)
		if c > code {
			code, hint = c, ""
			if _, h, ok := strings.Cut(buf.String(), "\nhint: "); ok {
				hint = strings.TrimSpace(h)
			}
		}
	}
	writeErr(w, batch.Error(), hint)
	return code
}
