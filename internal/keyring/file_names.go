package keyring

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// entryExt marks the file backend's entries: files without it (lock, temp
// files, entries of the 99designs backend awsfed used before) are not ours
// to read.
const entryExt = ".age"

// lockName is the lock file beside the entries. A leading dot keeps it apart
// from entry names, which never start with one.
const lockName = ".lock"

// maxEscapedName keeps an entry name, and lockedfile's temp name beside it
// (".<name>.tmp-<digits>"), under the usual 255-byte limit.
const maxEscapedName = 200

// entryName maps a key to a file name in the keyring directory. It escapes
// '/' and every upper-case letter, so no key reaches outside the directory
// and two keys never share a file on a case-insensitive file system (macOS,
// Windows). Keys too long for a name are hashed; "%%" starts no escaped
// name, so a hashed name cannot meet an escaped one.
func entryName(key string) string {
	name := escape(key, keepInName)
	if len(name) > maxEscapedName {
		sum := sha256.Sum256([]byte(key))
		name = "%%" + hex.EncodeToString(sum[:])
	}
	return name + entryExt
}

func keepInName(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("_@+=,.-", c) >= 0
}

// isEntryName tells the backend's entries from the lock and temp files.
func isEntryName(name string) bool {
	return strings.HasSuffix(name, entryExt) && !strings.HasPrefix(name, ".")
}
