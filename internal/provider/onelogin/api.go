package onelogin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/awsfed/awsfed/internal/httpx"
)

// maxBody bounds what is read of any OneLogin answer; an assertion with
// many roles is tens of kilobytes.
const maxBody = 4 << 20

const (
	pathToken     = "/auth/oauth2/v2/token"
	pathAssertion = "/api/2/saml_assertion"
	pathVerify    = "/api/2/saml_assertion/verify_factor"
)

type tokenRequest struct {
	GrantType string `json:"grant_type"`
}

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

type assertionRequest struct {
	UsernameOrEmail string `json:"username_or_email"`
	Password        string `json:"password"`
	AppID           string `json:"app_id"`
	Subdomain       string `json:"subdomain"`
}

type verifyRequest struct {
	AppID       string `json:"app_id"`
	DeviceID    string `json:"device_id"`
	StateToken  string `json:"state_token"`
	OTPToken    string `json:"otp_token,omitempty"`
	DoNotNotify *bool  `json:"do_not_notify,omitempty"`
}

// samlAnswer is a 200 answer of saml_assertion or verify_factor: the
// assertion, an MFA request, or (verify_factor) a pending push or SMS.
type samlAnswer struct {
	Data        string   `json:"data"`
	Message     string   `json:"message"`
	StateToken  string   `json:"state_token"`
	Devices     []device `json:"devices"`
	CallbackURL string   `json:"callback_url"`
}

type device struct {
	ID   flexID `json:"device_id"`
	Type string `json:"device_type"`
}

// flexID is a device id, which OneLogin lists as a number but takes back
// as a string.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err == nil {
		*f = flexID(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("device_id is neither a number nor a string")
	}
	*f = flexID(s)
	return nil
}

// answer is an HTTP answer read whole.
type answer struct {
	url    *url.URL
	status int
	header http.Header
	raw    []byte
}

// post sends body as JSON to the API path with the Authorization value
// given and reads the answer.
func (f *flow) post(ctx context.Context, path, authorization string, body any) (*answer, error) {
	u := f.cfg.endpoint(path)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, fmt.Errorf("onelogin: encoding the request to %s: %w", httpx.Redact(u), err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(bytes.TrimSuffix(b.Bytes(), []byte("\n"))))
	if err != nil {
		return nil, fmt.Errorf("onelogin: request to %s: %w", httpx.Redact(u), err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", authorization)
	// Every call carries credentials: a redirect is never followed.
	resp, raw, err := httpx.CallAPI(f.in.HTTP, f.in.URL, req, maxBody)
	if err != nil {
		return nil, err
	}
	a := &answer{url: u, status: resp.StatusCode, header: resp.Header, raw: raw}
	f.log.Printf("onelogin: POST %s: HTTP %d%s", httpx.Redact(u), resp.StatusCode, a.rateNote())
	return a, nil
}

// rateNote is the rate-limit state for debug output.
func (a *answer) rateNote() string {
	rem := a.header.Get("X-RateLimit-Remaining")
	if rem == "" {
		return ""
	}
	return " (rate limit: " + rem + " calls left)"
}

// saml decodes a 200 answer of saml_assertion or verify_factor.
func (f *flow) saml(a *answer) (*samlAnswer, error) {
	var s samlAnswer
	if err := json.Unmarshal(a.raw, &s); err != nil {
		return nil, f.unexpected(a, "the answer is not the expected JSON")
	}
	return &s, nil
}

// pending reports whether a verify_factor answer says the factor still
// waits for the user (a push not yet approved, an SMS just sent).
func (s *samlAnswer) pending() bool {
	return s.Data == "" && strings.Contains(strings.ToLower(s.Message), "pending")
}

// headerSeconds reads a header holding a number of seconds; OneLogin's
// X-RateLimit-Reset is the seconds left in the window, but a value that
// can only be a Unix time is taken as one.
func (f *flow) headerSeconds(h http.Header, name string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(h.Get(name)), 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	if v > 1_000_000_000 {
		v -= f.p.now().Unix()
		if v < 0 {
			v = 0
		}
	}
	return v, true
}
