package shellenv

import (
	"fmt"
	"path"
	"strings"
)

// Var is one variable to set, or to remove when Unset is true.
type Var struct {
	Name  string
	Value string
	Unset bool
}

// A dialect writes one line (or quoted multi-line string) per variable.
type dialect struct {
	set   func(name, value string) string
	unset func(name string) string
}

var posix = dialect{
	set:   func(n, v string) string { return "export " + n + "=" + posixQuote(v) },
	unset: func(n string) string { return "unset " + n },
}

func dialectFor(shell string) (dialect, bool) {
	switch shell {
	case "bash", "zsh", "sh":
		return posix, true
	case "fish":
		return dialect{
			set:   func(n, v string) string { return "set -gx " + n + " " + fishQuote(v) },
			unset: func(n string) string { return "set -e " + n },
		}, true
	case "powershell":
		return dialect{
			set:   func(n, v string) string { return "$Env:" + n + " = " + powershellQuote(v) },
			unset: func(n string) string { return "Remove-Item Env:" + n + " -ErrorAction SilentlyContinue" },
		}, true
	}
	return dialect{}, false
}

// Shells lists the names Format accepts.
func Shells() []string { return []string{"bash", "fish", "powershell", "sh", "zsh"} }

// Format returns the text that makes shell set and remove vars, in order.
func Format(shell string, vars []Var) (string, error) {
	d, ok := dialectFor(shell)
	if !ok {
		return "", fmt.Errorf("unknown shell %q: use one of %s", shell, strings.Join(Shells(), ", "))
	}
	var b strings.Builder
	for _, v := range vars {
		if !validName(v.Name) {
			return "", fmt.Errorf("invalid environment variable name %q: use letters, digits and _, not starting with a digit", v.Name)
		}
		if v.Unset {
			b.WriteString(d.unset(v.Name))
		} else {
			// No shell can hold a NUL in a variable: the value would be cut.
			if strings.IndexByte(v.Value, 0) >= 0 {
				return "", fmt.Errorf("variable %s: the value holds a NUL byte, which no shell can store", v.Name)
			}
			b.WriteString(d.set(v.Name, v.Value))
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// validName keeps names to the portable set, which every dialect can write
// unquoted.
func validName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, c := range []byte(name) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Quote quotes s for a POSIX shell command line (and the shell-like
// splitting the AWS CLI and SDKs do on credential_process) when it holds
// anything such a splitter would break on or expand; plain words stay as
// they are, so printed commands read naturally.
func Quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`|&;<>()*?[]{}!#~") {
		return s
	}
	return posixQuote(s)
}

// posixQuote relies on single quotes taking everything literally; a single
// quote itself must close the string, be escaped, and reopen it.
func posixQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote: inside fish's single quotes, only \\ and \' are escapes.
func fishQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "'" + r.Replace(s) + "'"
}

// powershellQuote doubles every character PowerShell treats as a single
// quote, which includes the typographic ones (U+2018 to U+201B).
func powershellQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		b.WriteRune(r)
		switch r {
		case '\'', '\u2018', '\u2019', '\u201A', '\u201B':
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// Detect picks the dialect for the user's login shell ($SHELL), and bash
// when it is unset or not one Format knows.
func Detect(env func(string) string) string {
	sh := strings.ReplaceAll(env("SHELL"), `\`, "/")
	base := strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(path.Base(sh)), ".exe"), "-")
	switch base {
	case "bash", "zsh", "fish":
		return base
	case "pwsh", "powershell":
		return "powershell"
	case "sh", "dash", "ash", "ksh", "mksh", "oksh", "yash", "posh":
		return "sh"
	}
	return "bash"
}
