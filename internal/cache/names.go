package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// File names are built from account and role names, which are user
// configuration: "prod/eu", "../x", unicode, names that differ only in case.
// component maps a name to a file-name part that
//   - holds only [a-z0-9._%!=-], so no separator, no "..", and no "@" (which
//     joins account and role) can appear;
//   - stays distinct on case-insensitive file systems (macOS, Windows): an
//     upper-case letter becomes "!" and the lower-case one, as in Go's module
//     cache;
//   - never starts with "." (hidden files, and lockedfile's temp files);
//   - stays short: a part longer than maxComponent becomes "=" and a hash.
//
// The mapping is one-to-one, so distinct names never share a file.
const maxComponent = 64

func component(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		case c == '.' && i > 0:
			b.WriteByte(c)
		case 'A' <= c && c <= 'Z':
			b.WriteByte('!')
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&0xf])
		}
	}
	out := b.String()
	if len(out) > maxComponent {
		sum := sha256.Sum256([]byte(s))
		return "=" + hex.EncodeToString(sum[:20])
	}
	if windowsDevice(out) {
		// "con.lock" opens the console on Windows; "%63on.lock" is a file.
		return "%" + string(hexDigits[out[0]>>4]) + string(hexDigits[out[0]&0xf]) + out[1:]
	}
	return out
}

const hexDigits = "0123456789ABCDEF"

func windowsDevice(s string) bool {
	switch s {
	case "con", "prn", "aux", "nul":
		return true
	}
	return len(s) == 4 && (strings.HasPrefix(s, "com") || strings.HasPrefix(s, "lpt")) && '0' <= s[3] && s[3] <= '9'
}

const (
	entrySuffix = ".json"
	lockSuffix  = ".lock"
	roleSep     = "@"
)

// entryName is "<account>@<role>.json"; with no role, "<account>@.json".
func entryName(account, role string) string {
	return component(account) + roleSep + component(role) + entrySuffix
}

// accountPrefix starts the name of every entry of account and of no other.
func accountPrefix(account string) string { return component(account) + roleSep }

func lockName(account string) string { return component(account) + lockSuffix }
