package keyring

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"filippo.io/age"
)

// defaultWorkFactor is the scrypt cost (log2 N) of new entries: 2^17
// rounds, 128 MiB. Measured on the 2-core CI machine under load: reading an
// entry took 0.32 s at 17 and 0.71 s at age's own default, 18 (0.84-1.9 s
// in other runs); storing one took 0.63 s and 1.6 s, as it first checks the
// passphrase against an existing entry. A sign-in that reads the password
// pays one decryption. 17 keeps that well under a second and is still far
// costlier to guess against than the 8192 PBKDF2 rounds of the JWE files
// awsfed wrote before. Entries say their own cost, so raising it later
// needs no migration.
const defaultWorkFactor = 17

// maxWorkFactor bounds what an entry may demand (2^20 rounds, 1 GiB), so a
// file planted in the directory cannot make awsfed exhaust memory.
const maxWorkFactor = 20

// errWrongPassphrase is what decryption reports when the passphrase does not
// open the entry, as opposed to an entry that is damaged.
var errWrongPassphrase = errors.New("wrong passphrase")

// seal encrypts secret for passphrase in age's format, so a user who needs
// the password back can run `age -d` on the file.
func seal(secret, passphrase string, logN int) ([]byte, error) {
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	r.SetWorkFactor(logN)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if _, err := io.WriteString(w, secret); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("encrypt: %w", err)
	}
	return buf.Bytes(), nil
}

// unseal decrypts an entry. Its errors are errWrongPassphrase, or
// ErrBadPassphrase for a damaged entry, never age's own words, which could
// quote bytes of the file.
func unseal(data []byte, passphrase string) (string, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return "", ErrBadPassphrase
	}
	id.SetMaxWorkFactor(maxWorkFactor)
	r, err := age.Decrypt(bytes.NewReader(data), id)
	if errors.Is(err, age.ErrIncorrectIdentity) {
		return "", errWrongPassphrase
	}
	if err != nil {
		return "", ErrBadPassphrase
	}
	secret, err := io.ReadAll(r)
	if err != nil {
		return "", ErrBadPassphrase
	}
	return string(secret), nil
}
