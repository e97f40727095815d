package login

import "testing"

func TestIsAwsfedProcess(t *testing.T) {
	for cmd, want := range map[string]bool{
		"/usr/local/bin/awsfed credential-process dev":         true,
		"'/opt/my tools/awsfed' credential-process 'dev'":      true,
		`"C:\Program Files\awsfed.exe" credential-process dev`: true,
		"awsfed credential-process dev":                        true,
		"saml2aws login --credential-process --profile dev":    false,
		"/usr/bin/awsfed-wrapper credential-process dev":       false,
		"awsfed login dev": false,
		"":                 false,
		"'unterminated":    false,
	} {
		if got := isAwsfedProcess(cmd); got != want {
			t.Errorf("isAwsfedProcess(%q) = %v, want %v", cmd, got, want)
		}
	}
}
