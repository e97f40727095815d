package shellenv

import (
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	vars := []Var{
		{Name: "AWS_ACCESS_KEY_ID", Value: "ASIA123"},
		{Name: "Q", Value: `it's a \ "test" ‘x’`},
		{Name: "EMPTY"},
		{Name: "AWS_PROFILE", Unset: true},
	}
	tests := []struct {
		shell string
		want  string
	}{
		{"bash", `export AWS_ACCESS_KEY_ID='ASIA123'
export Q='it'\''s a \ "test" ‘x’'
export EMPTY=''
unset AWS_PROFILE
`},
		{"zsh", `export AWS_ACCESS_KEY_ID='ASIA123'
export Q='it'\''s a \ "test" ‘x’'
export EMPTY=''
unset AWS_PROFILE
`},
		{"sh", `export AWS_ACCESS_KEY_ID='ASIA123'
export Q='it'\''s a \ "test" ‘x’'
export EMPTY=''
unset AWS_PROFILE
`},
		{"fish", `set -gx AWS_ACCESS_KEY_ID 'ASIA123'
set -gx Q 'it\'s a \\ "test" ‘x’'
set -gx EMPTY ''
set -e AWS_PROFILE
`},
		{"powershell", `$Env:AWS_ACCESS_KEY_ID = 'ASIA123'
$Env:Q = 'it''s a \ "test" ‘‘x’’'
$Env:EMPTY = ''
Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue
`},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			got, err := Format(tt.shell, vars)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestFormatErrors(t *testing.T) {
	tests := []struct {
		name, shell string
		vars        []Var
		want        string // substring of the error
		notWant     string // must not appear: a secret
	}{
		{"unknown shell", "cmd", nil, `unknown shell "cmd": use one of bash, fish, powershell, sh, zsh`, ""},
		{"empty shell", "", nil, "unknown shell", ""},
		{"empty name", "bash", []Var{{Name: "", Value: "v"}}, "invalid environment variable name", ""},
		{"name with space", "bash", []Var{{Name: "A B", Value: "v"}}, `"A B"`, ""},
		{"name injecting", "bash", []Var{{Name: "X=1; rm -rf ~; Y", Value: "v"}}, "invalid environment variable name", ""},
		{"name starting with digit", "fish", []Var{{Name: "1A", Value: "v"}}, "invalid", ""},
		{"unicode name", "powershell", []Var{{Name: "É", Value: "v"}}, "invalid", ""},
		{"NUL in value", "bash", []Var{{Name: "S", Value: "secret\x00tail"}}, "variable S: the value holds a NUL byte", "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Format(tt.shell, tt.vars)
			if err == nil {
				t.Fatalf("no error; output %q", out)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			if tt.notWant != "" && strings.Contains(err.Error(), tt.notWant) {
				t.Errorf("error %q quotes the value", err)
			}
		})
	}
}

func TestUnsetNeedsNoValidValue(t *testing.T) {
	got, err := Format("bash", []Var{{Name: "A", Value: "ignored\x00", Unset: true}})
	if err != nil || got != "unset A\n" {
		t.Errorf("Format = %q, %v; want %q", got, err, "unset A\n")
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ shell, want string }{
		{"", "bash"},
		{"/bin/bash", "bash"},
		{"/usr/local/bin/zsh", "zsh"},
		{"/opt/homebrew/bin/fish", "fish"},
		{"/usr/bin/pwsh", "powershell"},
		{`C:\Program Files\PowerShell\7\pwsh.exe`, "powershell"},
		{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "powershell"},
		{"/bin/dash", "sh"},
		{"/bin/sh", "sh"},
		{"/bin/ksh", "sh"},
		{"/usr/bin/tcsh", "bash"},
		{"/usr/bin/nu", "bash"},
		{"zsh", "zsh"},
		{"/bin/", "bash"},
	}
	for _, tt := range tests {
		got := Detect(func(k string) string {
			if k == "SHELL" {
				return tt.shell
			}
			return ""
		})
		if got != tt.want {
			t.Errorf("Detect with SHELL=%q = %q, want %q", tt.shell, got, tt.want)
		}
		if _, err := Format(got, nil); err != nil {
			t.Errorf("Detect returned %q, which Format refuses: %v", got, err)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"dev":              "dev",
		"/usr/bin/awsfed":  "/usr/bin/awsfed",
		"":                 "''",
		"/opt/my tools/x":  "'/opt/my tools/x'",
		"it's":             `'it'\''s'`,
		"$HOME":            "'$HOME'",
		"a\nb":             "'a\nb'",
		`back\slash`:       `'back\slash'`,
		"prod/eu-west-1.a": "prod/eu-west-1.a",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %q, want %q", in, got, want)
		}
	}
}
