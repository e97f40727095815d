package onelogin

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/onelogin/onelogintest"
)

func TestCodeFactors(t *testing.T) {
	for _, tc := range []struct {
		dev      onelogintest.Device
		typed    string
		sms      int
		bodies   []string // otp_token of each verify_factor call, "-" for none
		wantCall int
	}{
		{google, "123 456", 0, []string{"123456"}, 1},
		{yubikey, yubikey.Code, 0, []string{yubikey.Code}, 1},
		{duo, duo.Code, 0, []string{duo.Code}, 1},
		{sms, sms.Code, 1, []string{"-", sms.Code}, 2},
		{otpSMS, otpSMS.Code, 1, []string{"-", otpSMS.Code}, 2},
	} {
		t.Run(tc.dev.Type, func(t *testing.T) {
			e := newEnv(t, onelogintest.Options{}, tc.dev)
			l := e.input(tc.typed)
			got, err := e.run(l)
			if err != nil {
				t.Fatal(err)
			}
			if got != onelogintest.Placeholder {
				t.Fatalf("assertion %q", got)
			}
			if want := []string{tc.dev.Type + " code"}; !reflect.DeepEqual(l.stub.Asked, want) {
				t.Errorf("asked %q, want %q", l.stub.Asked, want)
			}
			c := e.fake.Counts()
			if c.Verify != tc.wantCall || c.SMS != tc.sms || c.Pushes != 0 || c.Assertion != 1 {
				t.Errorf("counts %+v", c)
			}
			var otps []string
			for _, b := range e.bodies(pathVerify) {
				otp, ok := b["otp_token"].(string)
				if !ok {
					otp = "-"
				}
				otps = append(otps, otp)
				if b["device_id"] != fmt.Sprint(tc.dev.ID) || b["app_id"] != "123456" {
					t.Errorf("body %v: want device_id and app_id as strings", b)
				}
				if _, ok := b["do_not_notify"]; ok {
					t.Errorf("do_not_notify sent for %s", tc.dev.Type)
				}
			}
			if !reflect.DeepEqual(otps, tc.bodies) {
				t.Errorf("otp_tokens %q, want %q", otps, tc.bodies)
			}
			e.assertNoSecrets("debug output", e.log.String(), got)
		})
	}
}

func TestWrongCodeThenRight(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, google)
	l := e.input("000000", google.Code)
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	want := []string{"Google Authenticator code", "Wrong code; Google Authenticator code (try 2 of 3)"}
	if !reflect.DeepEqual(l.stub.Asked, want) {
		t.Errorf("asked %q, want %q", l.stub.Asked, want)
	}
	if c := e.fake.Counts(); c.Verify != 2 || c.Assertion != 1 || l.pwCalls.Load() != 1 {
		t.Errorf("counts %+v, password calls %d", c, l.pwCalls.Load())
	}
}

func TestThreeWrongCodes(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, google)
	l := e.input("000001", "", "000003", "never asked")
	_, err := e.run(l)
	var me *provider.MFARejectedError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "3 Google Authenticator codes") {
		t.Fatalf("error %v, want MFARejectedError after 3 codes", err)
	}
	want := []string{"Google Authenticator code", "Wrong code; Google Authenticator code (try 2 of 3)", "No code typed; Google Authenticator code (try 3 of 3)"}
	if !reflect.DeepEqual(l.stub.Asked, want) {
		t.Errorf("asked %q, want %q", l.stub.Asked, want)
	}
	if c := e.fake.Counts(); c.Verify != 2 || c.Assertion != 1 {
		t.Errorf("counts %+v: want 2 codes posted (the empty one is not), 1 login", c)
	}
	e.assertNoSecrets("error", err.Error())
	e.assertNoSecrets("debug output", e.log.String())
}

func TestMFACodeUpFront(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, google)
	l := e.input()
	l.in.MFACode = google.Code
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if len(l.stub.Asked) != 0 || e.fake.Counts().Verify != 1 {
		t.Fatalf("asked %q, counts %+v", l.stub.Asked, e.fake.Counts())
	}

	// A refused --mfa-code is the first try; the next code is asked for.
	e = newEnv(t, onelogintest.Options{}, google)
	l = e.input(google.Code)
	l.in.MFACode = "111111"
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if want := []string{"Wrong code; Google Authenticator code (try 2 of 3)"}; !reflect.DeepEqual(l.stub.Asked, want) {
		t.Fatalf("asked %q, want %q", l.stub.Asked, want)
	}

	// Refused, and no terminal to ask on.
	e = newEnv(t, onelogintest.Options{}, google)
	l = e.input()
	l.in.MFACode = "111111"
	_, err := e.run(l)
	var me *provider.MFARejectedError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "no terminal") {
		t.Fatalf("error %v, want MFARejectedError saying there is no terminal", err)
	}

	// No code and no terminal.
	e = newEnv(t, onelogintest.Options{}, google)
	_, err = e.run(e.input())
	var ie *provider.InputNeededError
	if !errors.As(err, &ie) || !strings.Contains(ie.Hint, "--mfa-code") {
		t.Fatalf("error %#v, want InputNeededError naming --mfa-code", err)
	}
}

func TestMFACodeNotUsedForSMS(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, sms)
	l := e.input(sms.Code)
	l.in.MFACode = "stale-code"
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	if c := e.fake.Counts(); c.Verify != 2 || c.SMS != 1 {
		t.Fatalf("counts %+v", c)
	}
}

func TestExpiredStateRestartsOnce(t *testing.T) {
	e := newEnv(t, onelogintest.Options{ExpireStates: 1}, google, sms)
	l := e.input("1", google.Code, google.Code)
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	// The device is chosen once; the code is asked again under the new state.
	want := []string{"OneLogin MFA device", "Google Authenticator code", "The sign-in expired before the code was checked; signed in again; Google Authenticator code (try 1 of 3)"}
	if !reflect.DeepEqual(l.stub.Asked, want) {
		t.Errorf("asked %q, want %q", l.stub.Asked, want)
	}
	if c := e.fake.Counts(); c.Assertion != 2 || c.Verify != 2 || c.Token != 1 || l.pwCalls.Load() != 1 {
		t.Errorf("counts %+v, password calls %d: want 2 logins with one password", c, l.pwCalls.Load())
	}

	e = newEnv(t, onelogintest.Options{ExpireStates: 2}, google)
	l = e.input(google.Code, google.Code, google.Code)
	_, err := e.run(l)
	var se *provider.ServiceError
	if !errors.As(err, &se) || !strings.Contains(se.What, "expired again") || !strings.Contains(se.Hint, "sooner") {
		t.Fatalf("error %#v, want ServiceError about the state expiring again", err)
	}
	if c := e.fake.Counts(); c.Assertion != 2 || l.pwCalls.Load() != 1 {
		t.Errorf("counts %+v, password calls %d: want exactly one restart", c, l.pwCalls.Load())
	}
}

// selectRecorder records the options offered.
type selectRecorder struct {
	*prompt.Stub
	options [][]string
}

func (s *selectRecorder) Select(ctx context.Context, label string, options []string) (int, error) {
	s.options = append(s.options, options)
	return s.Stub.Select(ctx, label, options)
}

func TestDevicePicker(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, google, protect, sms)
	l := e.input("3", sms.Code)
	rec := &selectRecorder{Stub: l.stub}
	l.in.Prompt = rec
	if _, err := e.run(l); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Google Authenticator (id 111)", "OneLogin Protect (id 222)", "OneLogin SMS (id 333)"}}
	if !reflect.DeepEqual(rec.options, want) {
		t.Errorf("options %q, want %q", rec.options, want)
	}
	if c := e.fake.Counts(); c.SMS != 1 || c.Pushes != 0 {
		t.Errorf("counts %+v: want the SMS device used", c)
	}
}

func TestSeveralDevicesNoTerminal(t *testing.T) {
	e := newEnv(t, onelogintest.Options{}, google, protect)
	_, err := e.run(e.input())
	var ie *provider.InputNeededError
	if !errors.As(err, &ie) {
		t.Fatalf("error %#v, want InputNeededError", err)
	}
	for _, w := range []string{"several MFA devices", "no terminal", "Google Authenticator (id 111)", "OneLogin Protect (id 222)"} {
		if !strings.Contains(ie.What, w) {
			t.Errorf("%q lacks %q", ie.What, w)
		}
	}
	if !strings.Contains(ie.Hint, "mfa =") || !strings.Contains(ie.Hint, "[idp test]") || !strings.Contains(ie.Hint, "terminal") {
		t.Errorf("hint %q", ie.Hint)
	}
	if c := e.fake.Counts(); c.Verify != 0 {
		t.Errorf("counts %+v", c)
	}

	// A setting that matches nothing says so.
	e = newEnv(t, onelogintest.Options{}, google, protect)
	l := e.input()
	l.in.Settings[SettingMFA] = "voice"
	_, err = e.run(l)
	if !errors.As(err, &ie) || !strings.Contains(ie.What, "mfa = voice matches none") {
		t.Fatalf("error %v, want the mfa setting named", err)
	}
}

func TestMFASettingPicksWithoutAsking(t *testing.T) {
	for _, tc := range []struct {
		setting string
		typed   string
		verify  int
	}{
		{"yubikey", yubikey.Code, 1},
		{"Google Authenticator", google.Code, 1},
		{"333", sms.Code, 2},
	} {
		e := newEnv(t, onelogintest.Options{}, google, sms, yubikey)
		l := e.input(tc.typed)
		l.in.Settings[SettingMFA] = tc.setting
		if _, err := e.run(l); err != nil {
			t.Errorf("mfa = %s: %v", tc.setting, err)
			continue
		}
		if len(l.stub.Asked) != 1 || !strings.HasSuffix(l.stub.Asked[0], " code") || e.fake.Counts().Verify != tc.verify {
			t.Errorf("mfa = %s: asked %q, counts %+v", tc.setting, l.stub.Asked, e.fake.Counts())
		}
	}
}

func TestMatchDevice(t *testing.T) {
	devs := []device{{"111", "Google Authenticator"}, {"222", "OneLogin Protect"}, {"333", "OneLogin SMS"},
		{"444", "OneLogin OTP SMS"}, {"555", "Yubico YubiKey"}, {"666", "Duo Duo Security"}}
	for _, tc := range []struct{ want, id string }{
		{"222", "222"}, {"protect", "222"}, {"push", "222"}, {"PROTECT", "222"},
		{"sms", "333"}, {"onelogin otp sms", "444"}, {"otp", "444"}, {"google", "111"},
		{"yubikey", "555"}, {"yubico", "555"}, {"duo", "666"}, {"  Duo Duo Security ", "666"},
		{"voice", ""}, {"999", ""},
	} {
		d, ok := matchDevice(devs, tc.want)
		if string(d.ID) != tc.id || ok != (tc.id != "") {
			t.Errorf("matchDevice(%q) = %s, %v; want %q", tc.want, d.ID, ok, tc.id)
		}
	}
}

func TestKindOf(t *testing.T) {
	for typ, want := range map[string]factorKind{
		"OneLogin Protect": kindPush, "OneLogin SMS": kindSend, "OneLogin OTP SMS": kindSend, "OneLogin Voice": kindSend,
		"Google Authenticator": kindCode, "Yubico YubiKey": kindCode, "Duo Duo Security": kindCode, "Authenticator": kindCode,
	} {
		if got := kindOf(typ); got != want {
			t.Errorf("kindOf(%q) = %d, want %d", typ, got, want)
		}
	}
}
