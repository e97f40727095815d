package keyring

import (
	"encoding/hex"
	"errors"
	"strings"
)

// The macOS security(1) tool's text formats, kept apart from the darwin
// backend so they are tested on every system.

// maxKeychainSecret keeps a Set's command line, where the secret goes in
// hex, under the 4096 bytes `security -i` reads per line.
const maxKeychainSecret = 1500

// errNoPasswordLine means security's output lacked the password line.
var errNoPasswordLine = errors.New("security printed no password")

// keychainPassword reads the password from what `security
// find-generic-password -g` writes to stderr: `password: "text"` when every
// byte is printable ASCII other than '\', else `password: 0xHEX` (followed
// by a quoted form with escapes, ignored here). -w is no help: it prints
// non-printable passwords as bare hex, which a password made of hex digits
// cannot be told from.
func keychainPassword(stderr string) (string, error) {
	for line := range strings.Lines(stderr) {
		rest, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "password: ")
		if !ok {
			continue
		}
		switch {
		case rest == "":
			return "", nil
		case strings.HasPrefix(rest, "0x"):
			digits, _, _ := strings.Cut(rest[2:], " ")
			b, err := hex.DecodeString(digits)
			if err != nil {
				return "", errors.New("security printed a password that is not valid hex")
			}
			return string(b), nil
		case len(rest) >= 2 && rest[0] == '"' && rest[len(rest)-1] == '"':
			return rest[1 : len(rest)-1], nil
		}
		return "", errors.New("security printed the password in an unknown form")
	}
	return "", errNoPasswordLine
}

// keychainAddCommand is the line fed to `security -i` to store secret: on
// stdin, and in hex (-X), so the secret is neither in argv nor subject to
// the interactive parser's quoting.
func keychainAddCommand(key, secret string) (string, error) {
	if err := keychainKeyOK(key); err != nil {
		return "", err
	}
	if len(secret) > maxKeychainSecret {
		return "", errors.New("the password is too long for the keychain backend")
	}
	return "add-generic-password -U -s " + serviceName + ` -a "` + key + `" -X ` + hex.EncodeToString([]byte(secret)) + "\n", nil
}

// keychainKeyOK refuses keys that security's interactive parser would split
// or unescape. Key never produces them.
func keychainKeyOK(key string) error {
	if key == "" || strings.ContainsAny(key, "\"'\\") || strings.ContainsFunc(key, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return errors.New("the key holds characters the keychain backend cannot pass to security")
	}
	return nil
}
