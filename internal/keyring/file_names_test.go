package keyring

import (
	"strings"
	"testing"
)

func TestEntryName(t *testing.T) {
	tests := []struct{ key, want string }{
		{"corp/alice@example.com", "corp%2Falice@example.com.age"},
		{"corp/Alice", "corp%2F%41lice.age"},
		{"%2E./%2E.", "%252%45.%2F%252%45..age"},
		{"../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd.age"},
		{".hidden", "%2Ehidden.age"},
		{"", "%.age"},
		{`a\b:c`, "a%5Cb%3Ac.age"},
	}
	for _, tt := range tests {
		if got := entryName(tt.key); got != tt.want {
			t.Errorf("entryName(%q) = %q, want %q", tt.key, got, tt.want)
		}
	}
}

// TestEntryNameSafe checks what the directory relies on: a name is one path
// segment, never hidden, an entry by isEntryName, short enough for any file
// system, and distinct for distinct keys even where case does not count.
func TestEntryNameSafe(t *testing.T) {
	keys := []string{
		"a/b", "A/b", "a/B", "a%2Fb", "a%2fb", "a/b/c", "a%2Fb/c", "a/b%2Fc",
		"", "%", "%%", ".", "..", "./x", "x/.", "con", "ä", "Ä", "a\x00b", "a b", "a\tb",
		strings.Repeat("x", 300), strings.Repeat("x", 301), strings.Repeat("X", 300), strings.Repeat("/", 100),
		Key("Corp", "Bob@Example.com"), Key("corp", "bob@example.com"),
	}
	seen := map[string]string{}
	for _, k := range keys {
		name := entryName(k)
		if strings.ContainsAny(name, `/\:`) || name == "." || name == ".." || !isEntryName(name) {
			t.Errorf("entryName(%q) = %q: not a plain entry name", k, name)
		}
		if len(name) > maxEscapedName+len(entryExt) {
			t.Errorf("entryName(%q) is %d bytes long", k, len(name))
		}
		folded := strings.ToLower(name)
		if prev, ok := seen[folded]; ok {
			t.Errorf("keys %q and %q share the file %q", prev, k, name)
		}
		seen[folded] = k
	}
	if isEntryName(lockName) || isEntryName(".x.age.tmp-123") || isEntryName("corp%2Falice") {
		t.Error("isEntryName takes the lock, a temp file or a foreign file for an entry")
	}
}
