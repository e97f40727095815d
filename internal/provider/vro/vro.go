// Package vro obtains the SAML response from a vRealize Orchestrator (vRO,
// formerly VCO) workflow that acts as a SAML broker: it starts the workflow
// with the user's name and password over the vRO REST API, polls the
// execution until it ends and returns the output parameter holding the
// SAMLResponse. It owns only that REST dialogue; it knows nothing of AWS
// roles, files or STS, and it never sends the password anywhere but to the
// configured vRO host.
package vro

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/provider"
)

// Settings keys of the [idp NAME] section this provider reads.
const (
	SettingWorkflowID    = "workflow_id"    // required: the id of the broker workflow
	SettingUsernameParam = "username_param" // input parameter for the user name (default username)
	SettingPasswordParam = "password_param" // SecureString input for the password (default password)
	SettingOutputParam   = "output_param"   // output parameter holding the SAMLResponse (default samlResponse)
	SettingPollTimeout   = "poll_timeout"   // Go duration, how long to wait for the workflow (default 2m)
	SettingInputPrefix   = "input."         // input.NAME = value adds a fixed string input NAME
)

const (
	defaultPollTimeout = 2 * time.Minute
	firstPollDelay     = 500 * time.Millisecond
	maxPollDelay       = 5 * time.Second
)

// Provider is the vRO workflow provider. It holds no state between calls;
// its fields exist only so that tests can replace the clock.
type Provider struct {
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
}

// New returns the vRO provider.
func New() provider.Provider { return &Provider{sleep: provider.Sleep, now: time.Now} }

// config is the [idp NAME] section, checked.
type config struct {
	base          *url.URL // scheme://host[:port], without /vco
	workflowID    string
	usernameParam string
	passwordParam string
	outputParam   string
	extras        [][2]string // fixed string inputs, sorted by name
	pollTimeout   time.Duration
}

func parseConfig(in *provider.Input) (*config, error) {
	s := in.Settings
	where := "[idp " + in.IdP + "]"
	c := &config{
		workflowID:    strings.TrimSpace(s[SettingWorkflowID]),
		usernameParam: orDefault(s[SettingUsernameParam], "username"),
		passwordParam: orDefault(s[SettingPasswordParam], "password"),
		outputParam:   orDefault(s[SettingOutputParam], "samlResponse"),
		pollTimeout:   defaultPollTimeout,
	}
	if c.workflowID == "" {
		return nil, &provider.InputNeededError{
			What: "no " + SettingWorkflowID + " set for the vRO provider",
			Hint: "set " + SettingWorkflowID + " in " + where + " to the id of the SAML broker workflow",
		}
	}
	if v := strings.TrimSpace(s[SettingPollTimeout]); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, &provider.InputNeededError{
				What: fmt.Sprintf("%s %q in %s is not a positive duration", SettingPollTimeout, v, where),
				Hint: "use a Go duration such as 90s or 5m",
			}
		}
		c.pollTimeout = d
	}
	for k, v := range s {
		if name, ok := strings.CutPrefix(k, SettingInputPrefix); ok && name != "" {
			c.extras = append(c.extras, [2]string{name, v})
		}
	}
	sort.Slice(c.extras, func(i, j int) bool { return c.extras[i][0] < c.extras[j][0] })
	base, err := parseBase(in.URL)
	if err != nil {
		return nil, &provider.InputNeededError{What: err.Error(), Hint: "set url in " + where + " to the vRO server, e.g. https://vco.example.com:8281"}
	}
	c.base = base
	return c, nil
}

func orDefault(v, def string) string {
	if v = strings.TrimSpace(v); v == "" {
		return def
	}
	return v
}

// parseBase accepts the server with or without a trailing slash or /vco,
// since users copy either from the vRO client.
func parseBase(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("no vRO server URL set")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("vRO server URL is not an http(s) URL")
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/vco")
	p = strings.TrimRight(p, "/")
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: p}, nil
}

// startURL is <base>/vco/api/workflows/<id>/executions/.
func (c *config) startURL() *url.URL {
	u := *c.base
	u.Path = c.base.Path + "/vco/api/workflows/" + c.workflowID + "/executions/"
	u.RawPath = c.base.Path + "/vco/api/workflows/" + url.PathEscape(c.workflowID) + "/executions/"
	return &u
}
