package onelogin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/provider"
)

// factorKind is how a device is verified.
type factorKind int

const (
	kindCode factorKind = iota // a code from an app or token: Google Authenticator, YubiKey, Duo passcode
	kindSend                   // OneLogin sends the code when asked: SMS, voice, email
	kindPush                   // OneLogin Protect: a push to approve, or the code the app shows
)

func kindOf(deviceType string) factorKind {
	t := strings.ToLower(deviceType)
	switch {
	case strings.Contains(t, "protect"):
		return kindPush
	case strings.Contains(t, "sms"), strings.Contains(t, "voice"), strings.Contains(t, "email"):
		return kindSend
	}
	return kindCode
}

func (d device) label() string { return fmt.Sprintf("%s (id %s)", d.Type, d.ID) }

// mfa passes the second factor OneLogin asks for and returns the assertion.
func (f *flow) mfa(ctx context.Context, s *samlAnswer) (string, error) {
	f.secrets = append(f.secrets, s.StateToken)
	if s.CallbackURL != "" {
		// Some tenants name another region's host; the configured host
		// serves verify_factor for every tenant, so it is used instead.
		if cb, err := url.Parse(s.CallbackURL); err == nil {
			f.log.Printf("onelogin: MFA required; OneLogin names callback host %s, verifying at %s", cb.Host, f.cfg.base.Host)
		}
	}
	dev, err := f.chooseDevice(ctx, s.Devices)
	if err != nil {
		return "", err
	}
	f.deviceID = dev.ID
	f.log.Printf("onelogin: MFA with %s", dev.label())
	switch kindOf(dev.Type) {
	case kindPush:
		return f.push(ctx, s.StateToken, dev)
	case kindSend:
		return f.sendThenCode(ctx, s.StateToken, dev)
	}
	return f.verifyCodes(ctx, s.StateToken, dev, "", nil)
}

// chooseDevice keeps the device of an earlier attempt, takes the only
// one, the one the mfa setting names, or asks.
func (f *flow) chooseDevice(ctx context.Context, devs []device) (device, error) {
	if len(devs) == 0 {
		return device{}, &provider.UnexpectedPageError{Hint: olHint, URL: httpx.Redact(f.cfg.endpoint(pathAssertion)), Status: http.StatusOK,
			What: "OneLogin requires MFA for " + f.in.Username + " but lists no device; enroll one in OneLogin first"}
	}
	for _, d := range devs {
		if f.deviceID != "" && d.ID == f.deviceID {
			return d, nil
		}
	}
	if len(devs) == 1 {
		return devs[0], nil
	}
	if f.cfg.mfa != "" {
		if d, ok := matchDevice(devs, f.cfg.mfa); ok {
			return d, nil
		}
	}
	labels := make([]string, len(devs))
	for i, d := range devs {
		labels[i] = d.label()
	}
	i, err := provider.MFAChoice{Vendor: "OneLogin", Noun: "device", User: f.in.Username, IdP: f.in.IdP, Setting: f.cfg.mfa,
		Values: "<type or id>", Example: string(devs[0].ID), Labels: labels}.Ask(ctx, f.in.Prompt)
	if err != nil {
		return device{}, err
	}
	return devs[i], nil
}

// matchDevice finds the device the mfa setting names: by id, by whole
// device type, or by a word of the type ("push" meaning Protect). When
// several match, the first in OneLogin's order (the user's default first)
// wins.
func matchDevice(devs []device, want string) (device, bool) {
	w := strings.ToLower(strings.TrimSpace(want))
	if w == "push" {
		w = "protect"
	}
	tests := []func(device) bool{
		func(d device) bool { return string(d.ID) == w },
		func(d device) bool { return strings.EqualFold(d.Type, w) },
		func(d device) bool { return w != "" && strings.Contains(strings.ToLower(d.Type), w) },
	}
	for _, match := range tests {
		for _, d := range devs {
			if match(d) {
				return d, true
			}
		}
	}
	return device{}, false
}

// sendThenCode has OneLogin send the code (an SMS) and then asks for it.
func (f *flow) sendThenCode(ctx context.Context, state string, dev device) (string, error) {
	a, err := f.post(ctx, pathVerify, f.tok.header(), verifyRequest{AppID: f.cfg.appID, DeviceID: string(dev.ID), StateToken: state})
	if err != nil {
		return "", err
	}
	if a.status != http.StatusOK {
		return "", f.failure(a)
	}
	s, err := f.saml(a)
	if err != nil {
		return "", err
	}
	if s.Data != "" {
		return s.Data, nil
	}
	f.log.Printf("onelogin: asked OneLogin to send a code to %s", dev.label())
	return f.verifyCodes(ctx, state, dev, "", nil)
}

// verifyCodes posts codes until OneLogin takes one or the tries run out.
// typed is a code already in hand ("" = get one); notify, when set, is
// sent as do_not_notify. A code sent by SMS cannot be known before it is
// sent, so a code given up front serves the other kinds only.
func (f *flow) verifyCodes(ctx context.Context, state string, dev device, typed string, notify *bool) (string, error) {
	name := dev.Type + " code"
	for {
		code, err := f.codes.Next(ctx, f.in.Prompt, provider.CodeAsk{Name: name, Typed: typed, UpFrontOK: kindOf(dev.Type) != kindSend})
		if err != nil {
			return "", err
		}
		typed = ""
		if code == "" {
			if err := f.codes.Exhausted(name); err != nil {
				return "", err
			}
			continue
		}
		f.secrets = append(f.secrets, code)
		a, err := f.post(ctx, pathVerify, f.tok.header(), verifyRequest{AppID: f.cfg.appID, DeviceID: string(dev.ID), StateToken: state, OTPToken: code, DoNotNotify: notify})
		if err != nil {
			return "", err
		}
		if a.status == http.StatusOK {
			s, err := f.saml(a)
			if err != nil {
				return "", err
			}
			if s.Data == "" {
				return "", f.unexpected(a, "no SAML response after the code")
			}
			f.log.Printf("onelogin: OneLogin accepted the %s code", dev.Type)
			return s.Data, nil
		}
		switch err := f.failure(a); {
		case errors.Is(err, errStateExpired):
			f.codes.Unjudged() // after the restart the user is asked again, told why
			return "", err
		case !errors.Is(err, errWrongCode):
			return "", err
		}
		f.log.Printf("onelogin: OneLogin refused the %s code (try %d of %d)", dev.Type, f.codes.Tries(), provider.MaxCodeTries)
		if err := f.codes.Wrong("Wrong code", name); err != nil {
			return "", err
		}
	}
}
