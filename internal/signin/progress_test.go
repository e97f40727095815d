package signin

import (
	"bytes"
	"context"
	"testing"

	"github.com/awsfed/awsfed/internal/prompt"
)

// A question asked while a progress line is open starts on its own line, and
// the step is then reported again in full.
func TestProgressLineAroundPrompt(t *testing.T) {
	var buf bytes.Buffer
	line := &progress{w: &buf}
	ask := &lineBreakingPrompter{p: &prompt.Stub{Answers: []string{"pw"}}, line: line}

	line.start("Getting SAML assertion from https://idp")
	if _, err := ask.Password(context.Background(), "Password"); err != nil {
		t.Fatal(err)
	}
	line.done()
	line.start("Assuming arn:aws:iam::1:role/Dev")
	line.done()
	line.start("Assuming again")
	line.fail()

	want := "Getting SAML assertion from https://idp ... \n" +
		"Getting SAML assertion from https://idp ... done\n" +
		"Assuming arn:aws:iam::1:role/Dev ... done\n" +
		"Assuming again ... failed\n"
	if buf.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", buf.String(), want)
	}
}

func TestDisplayURLDropsQuery(t *testing.T) {
	for in, want := range map[string]string{
		"https://idp/sso?SAMLRequest=secret": "https://idp/sso",
		"https://idp/sso#frag":               "https://idp/sso",
		"https://idp/sso":                    "https://idp/sso",
	} {
		if got := displayURL(in); got != want {
			t.Errorf("displayURL(%q) = %q", in, got)
		}
	}
}
