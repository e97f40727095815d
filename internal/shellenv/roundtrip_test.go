package shellenv

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// nastyValues are values a shell would mangle or run if quoting failed. The
// command substitutions create a marker file rather than do harm.
var nastyValues = map[string]string{
	"password":            `p&ss=w+rd %#'"x y`,
	"single quotes":       `'''`,
	"escaped quote":       `\'`,
	"backslashes":         `a\b\\c\\\`,
	"trailing backslash":  `ends\`,
	"backslash n":         `not\na newline`,
	"dollar":              `$HOME ${HOME} $0 $$ $1`,
	"command sub":         `$(touch PWNED)`,
	"backticks":           "`touch PWNED`",
	"fish sub":            `(touch PWNED) $(touch PWNED)`,
	"powershell sub":      `$(New-Item PWNED) @(1) $Env:HOME`,
	"newlines":            "line1\nline2\n",
	"only newline":        "\n",
	"carriage return":     "a\r\nb\r",
	"tab and controls":    "a\tb\x01c\x1b[31md\x7f",
	"unicode":             "héllo ✓ 日本語 😀",
	"typographic quotes":  "‘a’ ‚b‛ “c” „d”",
	"empty":               "",
	"spaces":              "  lead and trail  ",
	"glob and history":    `*.go ? [a-z] ~ ~root !! !$ {a,b} %PATH%`,
	"separators":          `; echo hacked & | > x < y # not a comment`,
	"aws-looking":         "FwoGZXIvYXdzE+/=Example//Token==",
	"double quoted":       `"$(touch PWNED)"`,
	"zsh equals":          `=ls`,
	"semicolon end quote": `';touch PWNED;'`,
}

type realShell struct {
	dialect string   // name for Format
	bins    []string // executables to look for
	// script reads the output of Format from the file in $AWSFED_FILE the
	// way users run it, then prints $NAME exactly, or <unset>.
	script string
	args   func(script string) []string
}

var realShells = []realShell{
	{"bash", []string{"bash"}, `eval "$(cat "$AWSFED_FILE")"; printf %s "${NAME-<unset>}"`,
		func(s string) []string { return []string{"-c", s} }},
	{"sh", []string{"sh", "dash"}, `eval "$(cat "$AWSFED_FILE")"; printf %s "${NAME-<unset>}"`,
		func(s string) []string { return []string{"-c", s} }},
	{"zsh", []string{"zsh"}, `eval "$(cat "$AWSFED_FILE")"; printf %s "${NAME-<unset>}"`,
		func(s string) []string { return []string{"-f", "-c", s} }},
	{"fish", []string{"fish"}, `cat $AWSFED_FILE | source; if set -q NAME; printf %s "$NAME"; else; printf '<unset>'; end`,
		func(s string) []string { return []string{"--no-config", "-c", s} }},
	{"powershell", []string{"pwsh", "powershell"},
		`Get-Content -Raw -Encoding utf8 $Env:AWSFED_FILE | Invoke-Expression; if (Test-Path Env:NAME) { [Console]::Out.Write($Env:NAME) } else { [Console]::Out.Write('<unset>') }`,
		func(s string) []string { return []string{"-NoProfile", "-NonInteractive", "-Command", s} }},
}

// evalIn runs text through the shell and returns what it prints for $NAME.
// NAME starts out as "preset" so that removal shows.
func (sh realShell) evalIn(t *testing.T, bin, text string) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "env.txt")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, sh.args(sh.script)...)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
		"AWSFED_FILE=" + file,
		"NAME=preset",
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstderr: %s\ninput:\n%s", bin, err, stderr.String(), text)
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Errorf("%s ran a command hidden in a value; input:\n%s", bin, text)
	}
	return stdout.String()
}

func (sh realShell) find(t *testing.T) string {
	for _, b := range sh.bins {
		if p, err := exec.LookPath(b); err == nil {
			return p
		}
	}
	if (sh.dialect == "bash" || sh.dialect == "sh") && runtime.GOOS != "windows" {
		t.Fatalf("%s not found; it is needed on every Unix", sh.dialect)
	}
	t.Skipf("%s not installed", strings.Join(sh.bins, " or "))
	return ""
}

func TestRoundTripThroughRealShells(t *testing.T) {
	for _, sh := range realShells {
		t.Run(sh.dialect, func(t *testing.T) {
			bin := sh.find(t)
			for name, value := range nastyValues {
				t.Run(name, func(t *testing.T) {
					text, err := Format(sh.dialect, []Var{{Name: "NAME", Value: value}})
					if err != nil {
						t.Fatal(err)
					}
					got := sh.evalIn(t, bin, text)
					if sh.dialect == "powershell" && value == "" {
						// PowerShell removes a variable set to ''.
						if got != "" && got != "<unset>" {
							t.Errorf("got %q, want empty or removed", got)
						}
						return
					}
					if got != value {
						t.Errorf("got  %q\nwant %q\ninput:\n%s", got, value, text)
					}
				})
			}
			t.Run("unset", func(t *testing.T) {
				text, err := Format(sh.dialect, []Var{{Name: "NAME", Unset: true}})
				if err != nil {
					t.Fatal(err)
				}
				if got := sh.evalIn(t, bin, text); got != "<unset>" {
					t.Errorf("after %q, NAME is %q, want it removed", text, got)
				}
			})
			t.Run("several, last wins", func(t *testing.T) {
				text, err := Format(sh.dialect, []Var{
					{Name: "OTHER", Value: "o'ther"},
					{Name: "NAME", Unset: true},
					{Name: "NAME", Value: "it's\nfinal"},
				})
				if err != nil {
					t.Fatal(err)
				}
				if got := sh.evalIn(t, bin, text); got != "it's\nfinal" {
					t.Errorf("got %q, want %q", got, "it's\nfinal")
				}
			})
		})
	}
}
