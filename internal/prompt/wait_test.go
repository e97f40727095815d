package prompt

import "testing"

func TestSplitNote(t *testing.T) {
	for _, tc := range []struct{ label, text, note string }{
		{"Waiting for approval on OneLogin Protect" + TypeCodeHint, "Waiting for approval on OneLogin Protect", TypeCodeHint},
		{"Waiting for you to sign in in the browser window", "Waiting for you to sign in in the browser window", ""},
		{"Okta: open https://x.example/activate and confirm the code AB-CD", "Okta: open https://x.example/activate and confirm the code AB-CD", ""},
		{"(odd)", "(odd)", ""},
		{"tap 42 (a) (b)", "tap 42 (a)", " (b)"},
	} {
		if text, note := splitNote(tc.label); text != tc.text || note != tc.note {
			t.Errorf("splitNote(%q) = %q, %q; want %q, %q", tc.label, text, note, tc.text, tc.note)
		}
	}
}
