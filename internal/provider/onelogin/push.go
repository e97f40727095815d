package onelogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// The push poll starts quick, since people approve within seconds, and
// backs off so that a slow approval does not eat the account's API calls
// (5,000 an hour, shared by every client of the account).
const (
	pushFirstPoll = time.Second
	pushMaxPoll   = 5 * time.Second
)

// push sends one OneLogin Protect push and polls until it is approved,
// the user types the code Protect shows instead, or the time is up.
func (f *flow) push(ctx context.Context, state string, dev device) (string, error) {
	yes, no := true, false
	if f.codes.UpFrontLeft() {
		// A code given up front needs no push buzzing the phone.
		return f.verifyCodes(ctx, state, dev, "", &yes)
	}
	deadline := f.p.now().Add(f.cfg.mfaTimeout)
	a, err := f.post(ctx, pathVerify, f.tok.header(), verifyRequest{AppID: f.cfg.appID, DeviceID: string(dev.ID), StateToken: state, DoNotNotify: &no})
	if err != nil {
		return "", err
	}
	if a.status == http.StatusTooManyRequests {
		return "", f.rateLimited(a) // no push went out, so there is nothing to wait for
	}
	if data, err := f.pushAnswer(a, dev); data != "" || err != nil {
		return data, err
	}
	f.log.Printf("onelogin: sent a push to %s", dev.label())

	w := provider.StartWait(ctx, f.in.Prompt, "Waiting for approval on "+dev.Type+prompt.TypeCodeHint)
	defer w.End() // the prompt must be off the terminal before anything else asks

	interval := f.p.pushFirst
	for {
		line, typed, err := w.Typed()
		switch {
		case typed:
			w.End()
			if line == "" {
				f.log.Printf("onelogin: the user chose to type the %s code", dev.Type)
			}
			return f.verifyCodes(ctx, state, dev, line, &yes)
		case ctx.Err() != nil:
			return "", ctx.Err()
		case errors.Is(err, prompt.ErrNoTerminal):
			f.log.Printf("onelogin: no terminal; waiting for the push approval only")
		case err != nil:
			f.log.Printf("onelogin: the wait prompt failed (%v); waiting for the push approval only", err)
		}
		remaining := deadline.Sub(f.p.now())
		if remaining <= 0 {
			return "", &provider.ServiceError{
				What:     fmt.Sprintf("no approval of the %s push within %s", dev.Type, provider.Seconds(f.cfg.mfaTimeout)),
				Hint:     "approve it sooner, raise --mfa-timeout, or type the code shown in OneLogin Protect",
				Rejected: true,
			}
		}
		delay := interval
		if hold := f.rateHold(a); hold > 0 {
			if hold > remaining {
				return "", f.rateLimited(a)
			}
			f.log.Printf("onelogin: rate limited; next poll in %s", provider.Seconds(hold))
			delay = max(delay, hold)
		}
		if err := f.p.sleep(w.SleepContext(ctx), min(delay, remaining)); err != nil && ctx.Err() != nil {
			return "", ctx.Err()
		} else if err != nil {
			continue // the user typed: the select above takes it
		}
		if a, err = f.post(ctx, pathVerify, f.tok.header(), verifyRequest{AppID: f.cfg.appID, DeviceID: string(dev.ID), StateToken: state, DoNotNotify: &yes}); err != nil {
			return "", err
		}
		if data, err := f.pushAnswer(a, dev); data != "" || err != nil {
			return data, err
		}
		interval = min(interval*3/2, f.p.pushMax)
	}
}

// pushAnswer reads a push call's answer: the assertion, nothing (still
// pending, or rate limited for a while), or an error.
func (f *flow) pushAnswer(a *answer, dev device) (string, error) {
	switch a.status {
	case http.StatusOK:
		s, err := f.saml(a)
		if err != nil {
			return "", err
		}
		if s.Data != "" {
			f.log.Printf("onelogin: the push was approved")
			return s.Data, nil
		}
		if s.pending() {
			return "", nil
		}
		return "", f.unexpected(a, "neither a SAML response nor a pending push")
	case http.StatusTooManyRequests:
		if f.rateHold(a) > 0 {
			return "", nil // the loop waits as told, or gives up if that is too long
		}
		return "", f.rateLimited(a)
	}
	err := f.failure(a)
	if errors.Is(err, errWrongCode) {
		return "", &provider.MFARejectedError{Detail: "the " + dev.Type + " push was denied",
			Hint: "approve the push in OneLogin Protect or type the code it shows; if you did not start this sign-in, tell your security team"}
	}
	return "", err
}

// rateHold is how long OneLogin asks to be left alone: Retry-After, or
// until the window resets when no call is left in it.
func (f *flow) rateHold(a *answer) time.Duration {
	var hold int64
	if s, ok := f.headerSeconds(a.header, "Retry-After"); ok {
		hold = s
	}
	if a.header.Get("X-RateLimit-Remaining") == "0" || a.status == http.StatusTooManyRequests {
		if s, ok := f.headerSeconds(a.header, "X-RateLimit-Reset"); ok {
			hold = max(hold, s)
		}
	}
	return time.Duration(hold) * time.Second
}
