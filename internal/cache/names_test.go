package cache

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestEntryNames(t *testing.T) {
	long := strings.Repeat("ü", 40)
	tests := []struct {
		account, role, want string
	}{
		{"dev", "", "dev@.json"},
		{"dev", "Admin", "dev@!admin.json"},
		{"Dev", "admin", "!dev@admin.json"},
		{"prod/eu", "", "prod%2Feu@.json"},
		{"../x", "", "%2E.%2Fx@.json"},
		{"..", "..", "%2E.@%2E..json"},
		{".hidden", "", "%2Ehidden@.json"},
		{"a@b", "c", "a%40b@c.json"},
		{`a\b:c`, "", "a%5Cb%3Ac@.json"},
		{"café", "", "caf%C3%A9@.json"},
		{"con", "nul", "%63on@%6Eul.json"},
		{"com1", "lpt9", "%63om1@%6Cpt9.json"},
		{"console", "", "console@.json"},
		{"a=b", "", "a%3Db@.json"},
	}
	for _, tt := range tests {
		if got := entryName(tt.account, tt.role); got != tt.want {
			t.Errorf("entryName(%q, %q) = %q, want %q", tt.account, tt.role, got, tt.want)
		}
	}
	// Long names are hashed, keep a bounded length, and stay distinct.
	a, b := component(long), component(long+"x")
	if !strings.HasPrefix(a, "=") || len(a) > maxComponent || a == b {
		t.Errorf("long names: %q, %q", a, b)
	}
}

// Names that must never share a file, nor leave the directory, nor differ
// only in case (macOS and Windows would see one file).
func TestEntryNamesDistinctAndSafe(t *testing.T) {
	accounts := []string{"dev", "Dev", "DEV", "dev@", "dev@x", "prod/eu", "prod%2Feu", "prod_eu", "../x", "..", ".", "x/..",
		"a/b", `a\b`, "café", "cafe\u0301", "日本", "con", "%63on", "=", strings.Repeat("a", 200), strings.Repeat("a", 201), "x.lock", "x"}
	roles := []string{"", "Admin", "admin", "Dev", "arn:aws:iam::123:role/x", "@", ".json"}
	seen := map[string]string{}
	lockSeen := map[string]string{}
	dir := t.TempDir()
	for _, acct := range accounts {
		l := strings.ToLower(lockName(acct))
		if prev, dup := lockSeen[l]; dup {
			t.Errorf("lock of %q and %q: same file %q", acct, prev, l)
		}
		lockSeen[l] = acct
		for _, role := range roles {
			name := entryName(acct, role)
			if len(name) > 200 {
				t.Errorf("%q/%q: name of %d bytes", acct, role, len(name))
			}
			p := filepath.Join(dir, name)
			if filepath.Dir(p) != dir || strings.ContainsAny(name, `/\:*?"<>|`) || strings.HasPrefix(name, ".") {
				t.Errorf("%q/%q: unsafe name %q", acct, role, name)
			}
			key := strings.ToLower(name)
			if prev, dup := seen[key]; dup {
				t.Errorf("%q/%q and %s: same file %q", acct, role, prev, name)
			}
			seen[key] = acct + "/" + role
			// Delete finds an entry by its account's prefix: no other
			// account's prefix may match it.
			for _, other := range accounts {
				if other != acct && strings.HasPrefix(name, accountPrefix(other)) {
					t.Errorf("entry %q/%q matches the prefix of account %q", acct, role, other)
				}
			}
		}
	}
}
