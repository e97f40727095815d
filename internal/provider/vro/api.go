package vro

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// maxBody bounds what is read of any vRO answer.
const maxBody = 1 << 20

// param is one workflow input in the shape the vRO REST API expects.
type param struct {
	Name  string                `json:"name"`
	Type  string                `json:"type"`
	Scope string                `json:"scope"`
	Value map[string]paramValue `json:"value"`
}

type paramValue struct {
	Value string `json:"value"`
}

func stringParam(name, v string) param {
	return param{Name: name, Type: "string", Scope: "local", Value: map[string]paramValue{"string": {v}}}
}

func secureParam(name, v string) param {
	return param{Name: name, Type: "SecureString", Scope: "local", Value: map[string]paramValue{"secure-string": {v}}}
}

// body is the JSON of the start request.
func (f *flow) body() ([]byte, error) {
	ps := []param{stringParam(f.cfg.usernameParam, f.in.Username), secureParam(f.cfg.passwordParam, f.password)}
	for _, e := range f.cfg.extras {
		ps = append(ps, stringParam(e[0], e[1]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Parameters []param `json:"parameters"`
	}{ps}); err != nil {
		return nil, fmt.Errorf("vro: encoding the workflow inputs: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// start posts the execution and returns its URL on the configured host.
func (f *flow) start(ctx context.Context) (*url.URL, error) {
	u := f.cfg.startURL()
	body, err := f.body()
	if err != nil {
		return nil, err
	}
	resp, err := f.do(ctx, http.MethodPost, u, body)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	switch resp.StatusCode {
	case http.StatusAccepted, http.StatusCreated:
	case http.StatusUnauthorized:
		return nil, &provider.RejectedError{IdP: u.Hostname(), Username: f.in.Username}
	case http.StatusNotFound:
		return nil, &provider.UnexpectedPageError{URL: httpx.Redact(u), Status: resp.StatusCode,
			What: fmt.Sprintf("no workflow %s: %s is wrong or %s has no permission to run it", f.cfg.workflowID, SettingWorkflowID, f.in.Username),
			Hint: "check " + SettingWorkflowID + " in " + f.section() + " (the id in the workflow's properties in the vRO client), " +
				"or ask the vRO administrators to let " + f.in.Username + " run the workflow"}
	case http.StatusBadRequest:
		what := "the broker refused the workflow inputs"
		if msg := f.brokerMessage(raw); msg != "" {
			what += ": " + msg
		}
		return nil, &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(u), Status: resp.StatusCode, What: what}
	default:
		return nil, &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(u), Status: resp.StatusCode, What: "the workflow did not start"}
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil, &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(u), Status: resp.StatusCode, What: "no Location header naming the workflow execution"}
	}
	exec, err := u.Parse(loc)
	if err != nil {
		return nil, &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(u), Status: resp.StatusCode, What: "the Location header is not a URL"}
	}
	if exec.Scheme != u.Scheme || exec.Host != u.Host {
		// vRO behind a proxy names its internal host; the credentials stay
		// with the host the user configured.
		f.log.Printf("vro: Location names %s; polling %s instead", exec.Host, u.Host)
		exec.Scheme, exec.Host = u.Scheme, u.Host
	}
	exec.User, exec.RawQuery, exec.Fragment = nil, "", ""
	f.log.Printf("vro: execution %s", httpx.Redact(exec))
	return exec, nil
}

// brokerMessage is the message of a vRO error body, if it has one.
func (f *flow) brokerMessage(raw []byte) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &e) != nil {
		return ""
	}
	return f.oneLine(e.Message)
}

// getJSON fetches u and decodes its JSON answer into v.
func (f *flow) getJSON(ctx context.Context, u *url.URL, v any) error {
	resp, err := f.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return httpx.Classify(err, u.String())
	}
	if resp.StatusCode != http.StatusOK {
		return &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(u), Status: resp.StatusCode, What: "vRO did not return the workflow execution"}
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &provider.UnexpectedPageError{Hint: f.hint(), URL: httpx.Redact(u), Status: resp.StatusCode, What: "the answer is not the expected JSON"}
	}
	return nil
}

// brokerUnreachable says what is usual for a vRO broker: it is reached only
// from the corporate network, and its administrators grant access to it.
func brokerUnreachable(err error) error {
	var ue *httpx.UnreachableError
	if errors.As(err, &ue) && !strings.HasPrefix(ue.What, "TLS") {
		ue.Hint = "the vRO broker is usually reachable only from the corporate network or VPN: connect it, check the url and port " +
			"(8281 for vRO 7, 443 for vRO 8); access to the broker is granted by its administrators"
	}
	return err
}

// do sends one request with Basic auth and JSON headers.
func (f *flow) do(ctx context.Context, method string, u *url.URL, body []byte) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), r)
	if err != nil {
		return nil, fmt.Errorf("vro: request to %s: %w", httpx.Redact(u), err)
	}
	req.SetBasicAuth(f.in.Username, f.password)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Every call carries credentials: a redirect is never followed.
	client, err := httpx.NoRedirects(f.in.HTTP, f.in.URL)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, brokerUnreachable(httpx.Classify(err, u.String()))
	}
	f.log.Printf("vro: %s %s: HTTP %d", method, httpx.Redact(u), resp.StatusCode)
	return resp, nil
}

// hint is the advice for an answer the provider does not understand.
func (f *flow) hint() string {
	return "check url (https://HOST:8281 for vRO 7, https://HOST for vRO 8), " + SettingWorkflowID + " and " + SettingOutputParam +
		" in " + f.section() + "; --debug shows each call"
}

// section names the configuration section the settings come from.
func (f *flow) section() string { return "[idp " + f.in.IdP + "]" }
