package okta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
)

// maxBody bounds what is read of any Okta answer; an app page holding an
// assertion with many roles is tens of kilobytes.
const maxBody = 4 << 20

const (
	pathAuthn     = "/api/v1/authn"
	pathWellKnown = "/.well-known/okta-organization"
	pathDevice    = "/oauth2/v1/device/authorize"
	pathToken     = "/oauth2/v1/token"
	pathTokenSSO  = "/login/token/sso"
)

// secretAPI names what every call of the authentication API may carry.
const secretAPI = "the Okta password, MFA code or state token"

// transaction is an answer of /api/v1/authn or of a factor's verify link.
type transaction struct {
	Status       string `json:"status"`
	StateToken   string `json:"stateToken"`
	SessionToken string `json:"sessionToken"`
	FactorResult string `json:"factorResult"`
	Embedded     struct {
		Factors []factor `json:"factors"`
		Factor  *struct {
			factor
			Embedded struct {
				Challenge struct {
					CorrectAnswer json.Number `json:"correctAnswer"`
				} `json:"challenge"`
			} `json:"_embedded"`
		} `json:"factor"`
	} `json:"_embedded"`
	Links struct {
		Next struct {
			Href string `json:"href"`
		} `json:"next"`
	} `json:"_links"`
}

// factors are the transaction's factors; newer documents name the array
// "factor", older ones "factors".
func (t *transaction) factors() []factor { return t.Embedded.Factors }

// UnmarshalJSON accepts _embedded.factor as the array of factors too.
func (t *transaction) UnmarshalJSON(b []byte) error {
	type plain transaction
	if err := json.Unmarshal(b, (*plain)(t)); err == nil {
		return nil
	}
	// _embedded.factor was an array: read it as the factors.
	var alt struct {
		plain
		Embedded struct {
			Factor []factor `json:"factor"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(b, &alt); err != nil {
		return err
	}
	*t = transaction(alt.plain)
	t.Embedded.Factors = alt.Embedded.Factor
	return nil
}

// factor is an enrolled MFA factor.
type factor struct {
	ID       string         `json:"id"`
	Type     string         `json:"factorType"`
	Provider string         `json:"provider"`
	Profile  map[string]any `json:"profile"`
	Links    struct {
		Verify struct {
			Href string `json:"href"`
		} `json:"verify"`
	} `json:"_links"`
}

// apiError is Okta's error body.
type apiError struct {
	Code    string `json:"errorCode"`
	Summary string `json:"errorSummary"`
	Causes  []struct {
		Summary string `json:"errorSummary"`
	} `json:"errorCauses"`
	// OAuth errors
	OAuth     string `json:"error"`
	OAuthDesc string `json:"error_description"`
}

// answer is an HTTP answer read whole.
type answer struct {
	url    *url.URL
	status int
	header http.Header
	raw    []byte
}

func (a *answer) apiError() apiError {
	var e apiError
	_ = json.Unmarshal(a.raw, &e)
	return e
}

// postJSON sends body as JSON to target, following no redirect: every
// call of the authentication API carries a secret.
func (f *flow) postJSON(ctx context.Context, target *url.URL, body any) (*answer, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, fmt.Errorf("okta: encoding the request to %s: %w", httpx.Redact(target), err)
	}
	return f.send(ctx, http.MethodPost, target, "application/json", bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// postForm sends values form-encoded to target (the OAuth endpoints).
func (f *flow) postForm(ctx context.Context, target *url.URL, values url.Values) (*answer, error) {
	return f.send(ctx, http.MethodPost, target, "application/x-www-form-urlencoded", []byte(values.Encode()))
}

// send makes one API call. The transport refuses it unless target is at
// the org's origin (it carries a secret), and no redirect is followed.
func (f *flow) send(ctx context.Context, method string, target *url.URL, ctype string, body []byte) (*answer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(httpx.WithSecret(ctx, secretAPI), method, target.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("okta: request to %s: %w", httpx.Redact(target), err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	resp, raw, err := httpx.CallAPI(f.in.HTTP, f.in.URL, req, maxBody)
	if err != nil {
		return nil, err
	}
	a := &answer{url: target, status: resp.StatusCode, header: resp.Header, raw: raw}
	f.log.Printf("okta: %s %s: HTTP %d%s", method, httpx.Redact(target), resp.StatusCode, a.rateNote())
	return a, nil
}

// rateNote is the rate-limit state for debug output.
func (a *answer) rateNote() string {
	if rem := a.header.Get("X-Rate-Limit-Remaining"); rem != "" {
		return " (rate limit: " + rem + " calls left)"
	}
	return ""
}

// rateHold is how long Okta asks to be left alone: Retry-After, or until
// X-Rate-Limit-Reset (a Unix time) when no call is left in the window.
func (f *flow) rateHold(a *answer) time.Duration {
	var hold time.Duration
	if s, err := strconv.ParseInt(strings.TrimSpace(a.header.Get("Retry-After")), 10, 64); err == nil && s > 0 {
		hold = time.Duration(s) * time.Second
	}
	if a.header.Get("X-Rate-Limit-Remaining") == "0" || a.status == http.StatusTooManyRequests {
		if reset, err := strconv.ParseInt(strings.TrimSpace(a.header.Get("X-Rate-Limit-Reset")), 10, 64); err == nil {
			hold = max(hold, time.Unix(reset, 0).Sub(f.p.clock.Now()))
		}
	}
	return max(hold, 0)
}

// href checks that a link Okta gave points at the org, and parses it.
func (f *flow) href(a *answer, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, f.unexpected(a, "a link in the answer is not a URL")
	}
	if httpx.Origin(u) != httpx.Origin(f.cfg.org) {
		return nil, f.unexpected(a, "a link in the answer points to "+httpx.Origin(u)+", not to the org "+httpx.Origin(f.cfg.org))
	}
	return u, nil
}
