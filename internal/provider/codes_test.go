package provider

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
)

func TestCodes(t *testing.T) {
	ctx := context.Background()
	stub := &prompt.Stub{Answers: []string{"222 222", "333333", "444444"}}
	c := &Codes{Vendor: "Okta", UpFront: "111111"}
	ask := CodeAsk{Name: "Okta Verify code", UpFrontOK: true}
	var got []string
	for {
		code, err := c.Next(ctx, stub, ask)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, code)
		if len(got) == 1 {
			c.Unjudged() // the state expired: neither the try nor the code up front is spent
			continue
		}
		if err := c.Wrong("Wrong code", ask.Name); err != nil {
			var mr *MFARejectedError
			if !errors.As(err, &mr) || mr.Detail != "Okta refused 3 Okta Verify codes" {
				t.Errorf("err %v", err)
			}
			break
		}
	}
	if want := []string{"111111", "111111", "222222", "333333"}; !reflect.DeepEqual(got, want) {
		t.Errorf("codes %q, want %q", got, want)
	}
	if want := []string{"Wrong code; Okta Verify code (try 2 of 3)", "Wrong code; Okta Verify code (try 3 of 3)"}; !reflect.DeepEqual(stub.Asked, want) {
		t.Errorf("asked %q, want %q", stub.Asked, want)
	}

	// No terminal: input needed before any try, rejected after one.
	c = &Codes{Vendor: "OneLogin"}
	if _, err := c.Next(ctx, &prompt.Stub{}, CodeAsk{Name: "SMS code"}); !errors.As(err, new(*InputNeededError)) {
		t.Errorf("err %v", err)
	}
	c = &Codes{Vendor: "OneLogin", UpFront: "1"}
	c.Next(ctx, nil, CodeAsk{Name: "x code", UpFrontOK: true})
	c.Wrong("Wrong code", "x code")
	if _, err := c.Next(ctx, &prompt.Stub{}, CodeAsk{Name: "x code", UpFrontOK: true}); !errors.As(err, new(*MFARejectedError)) {
		t.Errorf("err %v", err)
	}
	// An answer keeps its spaces.
	if a, _ := (&Codes{}).Next(ctx, &prompt.Stub{Answers: []string{" a b "}}, CodeAsk{Name: "answer", Raw: true}); a != " a b " {
		t.Errorf("answer %q", a)
	}
}
