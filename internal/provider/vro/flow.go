package vro

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// flow is one workflow run.
type flow struct {
	p        *Provider
	in       *provider.Input
	cfg      *config
	log      *debug.Logger
	password string // sent as Basic auth and the SecureString input; kept to scrub broker text
}

// Assertion runs the broker workflow and returns its SAMLResponse output
// exactly as the workflow produced it.
func (p *Provider) Assertion(ctx context.Context, in *provider.Input) (string, error) {
	cfg, err := parseConfig(in)
	if err != nil {
		return "", err
	}
	if in.Username == "" {
		return "", &provider.InputNeededError{What: "the vRO provider needs a username", Hint: "pass --username or set username in [idp " + in.IdP + "]"}
	}
	if strings.Contains(in.Username, ":") {
		return "", &provider.InputNeededError{What: "the username contains ':', which HTTP Basic auth cannot carry", Hint: "check the username"}
	}
	if in.Password == nil {
		return "", &provider.InputNeededError{What: "no way to get the password", Hint: "pass --password-stdin or set AWSFED_PASSWORD"}
	}
	pw, err := in.Password(ctx)
	if err != nil {
		return "", err
	}
	f := &flow{p: p, in: in, cfg: cfg, log: in.Debug, password: pw}
	exec, err := f.start(ctx)
	if err != nil {
		return "", err
	}
	state, err := f.wait(ctx, exec)
	if err != nil {
		return "", err
	}
	return f.result(ctx, exec, state)
}

// wait polls the execution state with a doubling delay until it ends.
func (f *flow) wait(ctx context.Context, exec *url.URL) (string, error) {
	stateURL := *exec
	stateURL.Path = strings.TrimRight(exec.Path, "/") + "/state"
	stateURL.RawPath = ""
	start := f.p.now()
	delay := firstPollDelay
	last := ""
	for {
		var st struct {
			Value string `json:"value"`
		}
		if err := f.getJSON(ctx, &stateURL, &st); err != nil {
			return "", err
		}
		if st.Value != last {
			f.log.Printf("vro: execution state %s", stateName(st.Value))
			last = st.Value
		}
		switch st.Value {
		case "completed", "failed", "canceled":
			return st.Value, nil
		case "waiting", "waiting-signal", "suspended":
			f.log.Printf("vro: the workflow is %s; it may need someone to act on it in vRO", st.Value)
		}
		elapsed := f.p.now().Sub(start)
		if elapsed >= f.cfg.pollTimeout {
			return "", &provider.ServiceError{
				What: fmt.Sprintf("the vRO workflow execution %s did not finish within %s (state %s)",
					httpx.Redact(exec), elapsed.Round(100*time.Millisecond), stateName(st.Value)),
				Hint: "the workflow may be stuck or waiting for someone to act on it: check the execution in vRO, or raise " +
					SettingPollTimeout + " in " + f.section() + " (now " + f.cfg.pollTimeout.String() + ")",
			}
		}
		if err := f.p.sleep(ctx, min(delay, f.cfg.pollTimeout-elapsed)); err != nil {
			return "", fmt.Errorf("waiting for the vRO workflow execution %s: %w", httpx.Redact(exec), err)
		}
		delay = min(delay*2, maxPollDelay)
	}
}

// stateName keeps a state value fit for a log line: states are short
// words, anything else is cut so that no stray value spills out.
func stateName(s string) string {
	if s == "" {
		return "(none)"
	}
	if len(s) > 32 || strings.ContainsAny(s, " \t\r\n") {
		return "(unrecognised)"
	}
	return s
}

// execution is the part of GET …/executions/<id>/ this provider reads.
type execution struct {
	State     string `json:"state"`
	Exception string `json:"content-exception"`
	Outputs   []struct {
		Name  string `json:"name"`
		Value struct {
			String *struct {
				Value string `json:"value"`
			} `json:"string"`
			Secure *struct {
				Value string `json:"value"`
			} `json:"secure-string"`
		} `json:"value"`
	} `json:"output-parameters"`
}

// result reads the outcome of an ended execution.
func (f *flow) result(ctx context.Context, exec *url.URL, state string) (string, error) {
	if state == "canceled" {
		return "", &provider.ServiceError{
			What: fmt.Sprintf("the vRO workflow execution %s was canceled", httpx.Redact(exec)),
			Hint: "someone or something in vRO canceled the run: try again, or ask the vRO administrators why",
		}
	}
	detailURL := *exec
	detailURL.Path = strings.TrimRight(exec.Path, "/") + "/"
	detailURL.RawPath = ""
	var ex execution
	if err := f.getJSON(ctx, &detailURL, &ex); err != nil {
		return "", err
	}
	if state == "failed" {
		// The exception is the workflow's own words, often about the
		// account (a missing group); the run's log is for administrators.
		const logs = "the vRO administrators, who can read the execution's log (--debug shows its URL)"
		if msg := f.oneLine(ex.Exception); msg != "" {
			return "", &provider.ServiceError{What: "the vRO workflow failed: " + msg,
				Hint: "the message comes from the broker workflow: fix what it names, or ask " + logs}
		}
		return "", &provider.ServiceError{What: "the vRO workflow failed without saying why", Hint: "ask " + logs}
	}
	names := make([]string, 0, len(ex.Outputs))
	for _, o := range ex.Outputs {
		if o.Name != f.cfg.outputParam {
			names = append(names, o.Name)
			continue
		}
		var v string
		switch {
		case o.Value.String != nil:
			v = o.Value.String.Value
		case o.Value.Secure != nil:
			v = o.Value.Secure.Value
		}
		if v == "" {
			return "", &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(&detailURL), What: "the output parameter " + f.cfg.outputParam + " is empty or not a string"}
		}
		f.log.Printf("vro: found the output parameter %s", f.cfg.outputParam)
		return v, nil
	}
	present := "none"
	if len(names) > 0 {
		present = strings.Join(names, ", ")
	}
	return "", &provider.UnexpectedPageError{Hint: f.hint(),
		URL:  httpx.Redact(&detailURL),
		What: fmt.Sprintf("no output parameter %s (present: %s); set %s to the one holding the SAMLResponse", f.cfg.outputParam, present, SettingOutputParam),
	}
}

// oneLine makes broker text fit an error message: first line, at most
// 200 characters, and never the password even if the workflow echoed it.
func (f *flow) oneLine(s string) string {
	return provider.OneLine(s, f.password)
}
