package keyring

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestOneLine(t *testing.T) {
	long := strings.Repeat("é", maxToolMessage) // 2 bytes each: the cut must not split one
	tests := []struct{ in, want string }{
		{"", ""},
		{"\n\n  Error: corp/x is not in the password store.\nmore\n", "Error: corp/x is not in the password store."},
		{"gpg: a\tb\x1b[31m red\r\n", "gpg: a b [31m red"},
		{long, strings.Repeat("é", maxToolMessage/2) + "…"},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunTool(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	ctx := context.Background()
	out, _, err := runTool(ctx, nil, strings.NewReader("in put"), "sh", "-c", "cat; echo; echo warn >&2")
	if err != nil || string(out) != "in put\n" {
		t.Errorf("runTool = %q, %v", out, err)
	}
	_, _, err = runTool(ctx, nil, nil, "sh", "-c", "echo 'first line' >&2; echo second >&2; exit 3")
	var te *toolError
	if !errors.As(err, &te) || te.code != 3 || te.said != "first line" || err.Error() != "sh: exit status 3: first line" {
		t.Errorf("runTool failing = %v (%#v)", err, te)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err = runTool(cancelled, nil, nil, "sleep", "5"); !errors.Is(err, context.Canceled) {
		t.Errorf("runTool cancelled = %v", err)
	}
}

func TestKeychainPassword(t *testing.T) {
	tests := []struct {
		name, stderr, want string
		ok                 bool
	}{
		{"text", "password: \"pa ss\"w\"\n", `pa ss"w`, true},
		{"hex digits as text", "password: \"deadbeef\"\n", "deadbeef", true},
		{"bytes", "password: 0x70C3A4735C0A  \"p\\303\\244s\\134\\012\"\n", "päs\\\n", true},
		{"only bytes", "password: 0x0001\n", "\x00\x01", true},
		{"empty", "password: \n", "", true},
		{"after other lines", "keychain: \"x\"\npassword: \"k\"\n", "k", true},
		{"missing", "security: SecKeychainSearchCopyNext: not found\n", "", false},
		{"bad hex", "password: 0xZZ\n", "", false},
		{"unknown", "password: ???\n", "", false},
	}
	for _, tt := range tests {
		got, err := keychainPassword(tt.stderr)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: keychainPassword = %q, %v; want %q, ok=%v", tt.name, got, err, tt.want, tt.ok)
		}
		if err != nil && tt.want != "" && strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error quotes the password", tt.name)
		}
	}
}

func TestKeychainAddCommand(t *testing.T) {
	line, err := keychainAddCommand("corp/alice@example.com", "p w\"\n'")
	if err != nil {
		t.Fatal(err)
	}
	if want := `add-generic-password -U -s awsfed -a "corp/alice@example.com" -X 702077220a27` + "\n"; line != want {
		t.Errorf("line = %q", line)
	}
	for _, key := range []string{`a"b`, `a\b`, "a'b", "a\nb", ""} {
		if _, err := keychainAddCommand(key, "x"); err == nil {
			t.Errorf("key %q accepted", key)
		}
	}
	if _, err := keychainAddCommand("k", strings.Repeat("x", maxKeychainSecret+1)); err == nil {
		t.Error("an over-long secret accepted")
	}
}
