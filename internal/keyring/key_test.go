package keyring

import (
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	tests := []struct {
		idp, user, want string
	}{
		{"corp", "alice@example.com", "corp/alice@example.com"},
		{"corp", `DOMAIN\alice`, "corp/DOMAIN%5Calice"},
		{"a/b", "c", "a%2Fb/c"},
		{"..", "..", "%2E./%2E."},
		{".hidden", "x.y", "%2Ehidden/x.y"},
		{"", "", "%/%"},
		{"100%", "a b", "100%25/a%20b"},
		{"okta", "zoë", "okta/zo%C3%AB"},
		{"x:y", "a\x00b", "x%3Ay/a%00b"},
	}
	for _, tt := range tests {
		if got := Key(tt.idp, tt.user); got != tt.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tt.idp, tt.user, got, tt.want)
		}
	}
}

// TestKeyDistinct checks that inputs an escaping bug would merge stay apart,
// and that every part is a plain path segment for pass.
func TestKeyDistinct(t *testing.T) {
	pairs := [][2]string{
		{"a/b", "c"}, {"a", "b/c"}, {"a%2Fb", "c"}, {"", "%"}, {"%", ""}, {"", ""},
		{"a", ""}, {"a", "%"}, {"a", "%25"}, {".", "x"}, {"%2E", "x"}, {"a b", "c"}, {"a%20b", "c"},
	}
	seen := map[string][2]string{}
	for _, p := range pairs {
		k := Key(p[0], p[1])
		if prev, ok := seen[k]; ok {
			t.Errorf("Key(%q, %q) = Key(%q, %q) = %q", p[0], p[1], prev[0], prev[1], k)
		}
		seen[k] = p
		parts := strings.Split(k, "/")
		if len(parts) != 2 {
			t.Errorf("Key(%q, %q) = %q: want exactly one separator", p[0], p[1], k)
		}
		for _, part := range parts {
			if part == "" || strings.HasPrefix(part, ".") || strings.ContainsAny(part, `\:`) {
				t.Errorf("Key(%q, %q) = %q: unsafe part %q", p[0], p[1], k, part)
			}
		}
	}
}
