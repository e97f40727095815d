package okta

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// Answers the flow acts on rather than reports.
var (
	errWrongCode    = errors.New("okta: the passcode was refused (E0000068)")
	errStateExpired = errors.New("okta: the state token is invalid or expired (E0000011)")
)

// oktaHint is the advice for an answer the provider does not understand.
const oktaHint = "check that url is the AWS app's embed link at your Okta org; --debug shows each call (without secrets)"

// failure turns an error answer of the authentication API into the error
// the user can act on, or into one of the errors above.
func (f *flow) failure(a *answer) error {
	e := a.apiError()
	switch {
	case a.status == http.StatusTooManyRequests || e.Code == "E0000047":
		return f.rateLimited(a)
	case e.Code == "E0000004":
		return &provider.RejectedError{IdP: f.host(), Username: f.in.Username, Detail: "Okta: " + f.oneLine(orText(e.Summary, "Authentication failed"))}
	case e.Code == "E0000011":
		return errStateExpired
	case e.Code == "E0000068":
		return errWrongCode
	case a.status == http.StatusNotFound && e.Code == "":
		return &provider.ServiceError{
			What: fmt.Sprintf("%s does not answer as an Okta org (HTTP 404 at %s)", f.host(), httpx.Redact(a.url)),
			Hint: "url must be the AWS app's embed link at your Okta org, https://<org>.okta.com/home/amazon_aws/<app id>/272, or at its custom domain",
		}
	}
	return f.unexpected(a, "")
}

// rateLimited says when Okta takes calls again.
func (f *flow) rateLimited(a *answer) error {
	what := "Okta's API rate limit at " + f.host() + " is used up (E0000047)"
	hint := "try again in a minute; the limit is shared by every sign-in to the org"
	if hold := f.rateHold(a); hold > 0 {
		hint = "try again in " + provider.HumanWait(hold) + "; the limit is shared by every sign-in to the org"
	}
	return &provider.ServiceError{What: what, Hint: hint}
}

// unexpected reports an answer the flow has no use for, with Okta's own
// words when there are some.
func (f *flow) unexpected(a *answer, what string) error {
	e := a.apiError()
	msg := f.oneLine(orText(e.Summary, e.OAuthDesc))
	if e.Code != "" && msg != "" {
		msg += " (" + f.oneLine(e.Code) + ")"
	}
	switch {
	case what == "" && msg == "":
		what = "Okta answered without an explanation"
	case what == "":
		what = "Okta said: " + msg
	case msg != "" && !strings.Contains(what, msg):
		what += ": " + msg
	}
	return &provider.UnexpectedPageError{Hint: oktaHint, URL: httpx.Redact(a.url), Status: a.status, What: what}
}

// status reports a transaction status that ends the sign-in.
func (f *flow) status(a *answer, t *transaction) error {
	switch t.Status {
	case "LOCKED_OUT":
		return &provider.ServiceError{
			What:     fmt.Sprintf("Okta at %s says the user %s is locked out", f.host(), f.in.Username),
			Hint:     "wait for the lock to expire, unlock it from Okta's sign-in page, or ask your Okta administrators; awsfed did not retry",
			Rejected: true,
		}
	case "PASSWORD_EXPIRED":
		return &provider.ServiceError{
			What:     fmt.Sprintf("Okta at %s says the password of %s has expired", f.host(), f.in.Username),
			Hint:     "change it in a browser at " + f.cfg.org.String() + ", then sign in again with the new one",
			Rejected: true,
		}
	case "MFA_ENROLL", "MFA_ENROLL_ACTIVATE":
		return &provider.ServiceError{
			What:     fmt.Sprintf("Okta at %s asks %s to enroll an MFA factor first", f.host(), f.in.Username),
			Hint:     "sign in once in a browser at " + f.cfg.org.String() + " and set up a factor (Okta Verify, for example), then try again",
			Rejected: true,
		}
	}
	return f.unexpected(a, fmt.Sprintf("a sign-in status awsfed cannot continue from (%s)", f.oneLine(t.Status)))
}

func orText(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}
