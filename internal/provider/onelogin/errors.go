package onelogin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// Answers the flow acts on rather than reports.
var (
	errWrongCode     = errors.New("onelogin: the code was refused")
	errStateExpired  = errors.New("onelogin: the MFA state token is invalid or expired")
	errTokenRejected = errors.New("onelogin: the API token was refused")
)

// apiMessage is OneLogin's own words in an error body, in the v2 shape
// {"statusCode","name","message"} or the v1 shape {"status":{"message"}}.
func apiMessage(raw []byte) string {
	var e struct {
		Message string `json:"message"`
		Name    string `json:"name"`
		Status  *struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"status"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	switch {
	case e.Message != "":
		return e.Message
	case e.Status != nil && e.Status.Message != "":
		return e.Status.Message
	case e.Status != nil:
		return e.Status.Type
	}
	return e.Name
}

// failure turns a non-200 answer of saml_assertion or verify_factor into
// the error the user can act on, or into one of the errors above.
func (f *flow) failure(a *answer) error {
	msg := apiMessage(a.raw)
	low := strings.ToLower(msg)
	where := "[idp " + f.in.IdP + "]"
	switch {
	case a.status == http.StatusTooManyRequests || strings.Contains(low, "rate limit"):
		return f.rateLimited(a)
	case strings.Contains(low, "invalid user credentials"):
		return &provider.RejectedError{IdP: f.cfg.base.Host, Username: f.in.Username, Detail: f.oneLine(msg)}
	case strings.Contains(low, "failed authentication with this factor"):
		return errWrongCode
	case strings.Contains(low, "state token is invalid or expired"):
		return errStateExpired
	case strings.Contains(low, "invalid subdomain"):
		return &provider.ServiceError{
			What: fmt.Sprintf("OneLogin does not know the subdomain %q (Invalid subdomain)", f.cfg.subdomain),
			Hint: "check subdomain in " + where + ": it is the first part of your OneLogin address (acme for acme.onelogin.com)",
		}
	case strings.Contains(low, "app could not be found") || a.status == http.StatusNotFound:
		return &provider.ServiceError{
			What: fmt.Sprintf("OneLogin has no app %s for this account (%s)", f.cfg.appID, orStatus(f.oneLine(msg), a.status)),
			Hint: "check app_id in " + where + ": it is the number in the AWS app's address in OneLogin admin (Applications → the AWS app)",
		}
	case strings.Contains(low, "locked"):
		return &provider.ServiceError{
			What:     fmt.Sprintf("OneLogin says the user %s is locked (%s)", f.in.Username, f.oneLine(msg)),
			Hint:     "wait for the lock to expire or ask your OneLogin administrators to unlock the account; awsfed did not retry",
			Rejected: true,
		}
	case strings.Contains(low, "ip address") || strings.Contains(low, "not allowed to access"):
		return &provider.ServiceError{
			What:     fmt.Sprintf("OneLogin refuses logins for %s from this network (%s)", f.in.Username, f.oneLine(msg)),
			Hint:     "connect the corporate VPN or use a network your OneLogin administrators allow, then try again",
			Rejected: true,
		}
	case strings.Contains(low, "insufficient permission"):
		return &provider.ServiceError{
			What: fmt.Sprintf("the OneLogin API credential (client_id %s) may not log users in (Insufficient Permission)", f.cfg.clientID),
			Hint: "in OneLogin admin, Developers → API Credentials, use a credential with scope \"Authentication Only\" or higher",
		}
	case strings.Contains(low, "otp token blank"):
		return f.unexpected(a, "OneLogin wanted a code that awsfed did not send (OTP token blank)")
	case a.status == http.StatusUnauthorized && (low == "" || low == "unauthorized" || strings.Contains(low, "authentication failure")):
		return errTokenRejected
	}
	return f.unexpected(a, "")
}

func orStatus(msg string, status int) string {
	if msg != "" {
		return msg
	}
	return fmt.Sprintf("HTTP %d", status)
}

// unexpected reports an answer the flow has no use for, with OneLogin's
// message when there is one.
func (f *flow) unexpected(a *answer, what string) error {
	msg := f.oneLine(apiMessage(a.raw))
	switch {
	case what == "" && msg == "":
		what = "OneLogin's API answered without an explanation"
	case what == "":
		what = "OneLogin's API said: " + msg
	case msg != "" && !strings.Contains(what, msg):
		what += ": " + msg
	}
	return &provider.UnexpectedPageError{Hint: olHint, URL: httpx.Redact(a.url), Status: a.status, What: what}
}

// rateLimited says when the account's API calls are allowed again.
func (f *flow) rateLimited(a *answer) error {
	wait, ok := f.headerSeconds(a.header, "Retry-After")
	if !ok {
		wait, ok = f.headerSeconds(a.header, "X-RateLimit-Reset")
	}
	what := "OneLogin's API rate limit for this account is used up"
	if limit := a.header.Get("X-RateLimit-Limit"); limit != "" {
		what += " (" + f.oneLine(limit) + " calls per hour)"
	}
	hint := "try again later; the limit is shared by every API client of the OneLogin account"
	if ok {
		hint = "try again in " + provider.HumanWait(time.Duration(wait)*time.Second) + "; the limit is shared by every API client of the OneLogin account"
	}
	return &provider.ServiceError{What: what, Hint: hint}
}

// oneLine makes OneLogin's text fit an error message: first line, at most
// 200 characters, and never a secret of this login even if echoed.
func (f *flow) oneLine(s string) string {
	return provider.OneLine(s, f.secrets...)
}

// olHint is the advice for an answer the provider does not understand.
const olHint = "check url/region and subdomain in the [idp] section; --debug shows each API call (without secrets)"
