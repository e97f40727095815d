package okta

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
)

// push sends one Okta Verify push and polls until it is approved, denied
// or timed out, or the user types the code Okta Verify shows instead.
func (f *flow) push(ctx context.Context, state string, fc factor, verify *url.URL, code *factor) (string, error) {
	if f.codes.UpFrontLeft() && code != nil {
		// A code given up front needs no push buzzing the phone.
		return f.verifyCodes(ctx, state, *code, f.mustHref(code), "")
	}
	deadline := f.p.clock.Now().Add(f.cfg.mfaTimeout)
	a, err := f.postJSON(ctx, verify, verifyRequest{StateToken: state})
	if err != nil {
		return "", err
	}
	if a.status == http.StatusTooManyRequests {
		return "", f.rateLimited(a) // no push went out, so there is nothing to wait for
	}
	t, next, err := f.pushAnswer(ctx, a)
	if t != "" || err != nil {
		return t, err
	}
	shown := number(a)
	f.log.Printf("okta: sent a push to Okta Verify")
	w := provider.StartWait(ctx, f.in.Prompt, pushLabel(shown, code != nil))
	defer func() { w.End() }()

	interval := pushFirstPoll
	for {
		line, typed, err := w.Typed()
		if n := number(a); !typed && err == nil && n != "" && n != shown {
			// The number came with a poll: show it. A line typed just
			// before the switch is taken as typed.
			if line, typed = w.End(); !typed {
				shown = n
				w = provider.StartWait(ctx, f.in.Prompt, pushLabel(shown, code != nil))
			}
		}
		switch {
		case ctx.Err() != nil:
			return "", ctx.Err()
		case err != nil:
			f.log.Printf("okta: no wait line (%v); waiting for the push approval only", err)
		case typed && code == nil:
			// Nothing to type a code into: say so, and keep waiting.
			f.log.Printf("okta: a line was typed, but the user has no Okta Verify code factor; still waiting for the push")
			w = provider.StartWait(ctx, f.in.Prompt, pushLabel(shown, false)+" (no Okta Verify code is enrolled: approve the push)")
		case typed:
			w.End()
			return f.verifyCodes(ctx, state, *code, f.mustHref(code), line)
		}
		remaining := deadline.Sub(f.p.clock.Now())
		if remaining <= 0 {
			return "", &provider.ServiceError{
				What:     fmt.Sprintf("no approval of the Okta Verify push within %s", provider.Seconds(f.cfg.mfaTimeout)),
				Hint:     "approve it sooner, raise --mfa-timeout, or type the code Okta Verify shows",
				Rejected: true,
			}
		}
		delay := interval
		if hold := f.rateHold(a); hold > 0 {
			if hold > remaining {
				return "", f.rateLimited(a)
			}
			f.log.Printf("okta: rate limited; next poll in %s", provider.Seconds(hold.Round(1e9)))
			delay = max(delay, hold)
		}
		if err := f.p.clock.Sleep(w.SleepContext(ctx), min(delay, remaining)); err != nil {
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			continue // the user typed: the top of the loop takes it
		}
		if a, err = f.postJSON(ctx, next, verifyRequest{StateToken: state}); err != nil {
			return "", err
		}
		var res string
		if res, next, err = f.pushAnswer(ctx, a); res != "" || err != nil {
			return res, err
		}
		interval = min(interval*3/2, pushMaxPoll)
	}
}

// pushLabel is the wait line: the number to tap when Okta gave one.
func pushLabel(number string, typeCode bool) string {
	label := "Okta Verify: tap " + number
	if number == "" {
		label = "Waiting for approval in Okta Verify"
	}
	if typeCode {
		label += prompt.TypeCodeHint
	}
	return label
}

// mustHref is a factor's verify link (checked to be at the org when the
// factors were read; a bad one fails at the transport).
func (f *flow) mustHref(fc *factor) *url.URL {
	u, err := url.Parse(fc.Links.Verify.Href)
	if err != nil {
		return f.cfg.endpoint(pathAuthn + "/factors/" + url.PathEscape(fc.ID) + "/verify")
	}
	return u
}

// number is the number challenge of a push answer, or "".
func number(a *answer) string {
	var t transaction
	if a.status != http.StatusOK || t.UnmarshalJSON(a.raw) != nil || t.Embedded.Factor == nil {
		return ""
	}
	return t.Embedded.Factor.Embedded.Challenge.CorrectAnswer.String()
}

// pushAnswer reads a push call's answer: the session token, or the link
// to poll next (still waiting, or rate limited for a while), or an error.
func (f *flow) pushAnswer(ctx context.Context, a *answer) (string, *url.URL, error) {
	switch {
	case a.status == http.StatusTooManyRequests && f.rateHold(a) > 0:
		return "", a.url, nil // the loop waits as told, or gives up if that is too long
	case a.status != http.StatusOK:
		return "", nil, f.failure(a)
	}
	t, err := f.transaction(a)
	if err != nil {
		return "", nil, err
	}
	if t.Status == "SUCCESS" {
		f.log.Printf("okta: the push was approved")
		return f.finishToken(ctx, a, t)
	}
	if t.Status != "MFA_CHALLENGE" {
		return "", nil, f.status(a, t)
	}
	switch t.FactorResult {
	case "WAITING":
		next, err := f.href(a, t.Links.Next.Href)
		return "", next, err
	case "REJECTED":
		return "", nil, &provider.MFARejectedError{Detail: "the Okta Verify push was denied",
			Hint: "approve the push in Okta Verify or type the code it shows; if you did not start this sign-in, tell your security team"}
	case "TIMEOUT":
		return "", nil, &provider.ServiceError{What: "the Okta Verify push timed out before anyone approved it",
			Hint: "try again and approve the push within a minute, or type the code Okta Verify shows", Rejected: true}
	}
	return "", nil, f.unexpected(a, "a push result awsfed does not know ("+f.oneLine(t.FactorResult)+")")
}

// finishToken is finish for an answer that may only end the sign-in.
func (f *flow) finishToken(ctx context.Context, a *answer, t *transaction) (string, *url.URL, error) {
	tok, err := f.finish(ctx, a, t)
	return tok, nil, err
}
