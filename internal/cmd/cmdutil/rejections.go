package cmdutil

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/scrypt"

	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/shellenv"
)

// rejections remembers, across processes, the passwords the IdP rejected for
// one user at one origin, so that no awsfed process sends them again: eight
// credential-process runs queued on an account's lock would otherwise each
// send the same wrong password, and IdPs lock accounts out after a few.
// A sign-in the IdP accepts forgets them all.
//
// The passwords are kept as scrypt hashes, salted per file. The record is
// as readable as the cache directory it sits in (backups, sync tools), and a
// rejected password is often the real one mistyped or an old one, so a fast
// hash would help offline guessing; a secret HMAC key beside it in the same
// directory would not, as whoever reads one reads the other. scrypt only runs
// when a record exists (a sign-in after a rejection) or on a rejection, never
// on the ordinary path.
type rejections struct {
	dir          string // awsfed's cache directory
	user, origin string
	now          func() time.Time // nil = time.Now
}

// maxRejected bounds the passwords kept per user and origin: enough for
// several stale sources (an old AWSFED_PASSWORD in one shell, a typo in
// another), few enough that checking stays one scrypt per record.
const maxRejected = 8

// scrypt cost: about 50 ms and 32 MiB per hash on a laptop.
const (
	scryptN, scryptR, scryptP, scryptLen = 1 << 15, 8, 1, 32
)

// rejectionFile is the record of one user at one origin. Username and
// Origin are kept to tell a file from another whose name has the same hash.
type rejectionFile struct {
	Username string     `json:"username"`
	Origin   string     `json:"origin"`
	Salt     []byte     `json:"salt"`
	Rejected []rejected `json:"rejected"`
}

type rejected struct {
	Hash []byte    `json:"scrypt"`
	At   time.Time `json:"at"`
}

func (r *rejections) path() string {
	sum := sha256.Sum256([]byte(r.user + "\x00" + r.origin))
	return filepath.Join(r.dir, "rejected-password-"+hex.EncodeToString(sum[:8])+".json")
}

// hash binds pw to the user and origin as well as to the file's salt.
func (r *rejections) hash(salt []byte, pw string) ([]byte, error) {
	s := append(append([]byte(nil), salt...), r.user+"\x00"+r.origin...)
	return scrypt.Key([]byte(pw), s, scryptN, scryptR, scryptP, scryptLen)
}

// read returns the record, or nil when there is none or it is unreadable
// as a record (the next rejection replaces it).
func (r *rejections) read() (*rejectionFile, error) {
	data, err := os.ReadFile(r.path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rejected passwords: %w", err)
	}
	var rf rejectionFile
	if json.Unmarshal(data, &rf) != nil || rf.Username != r.user || rf.Origin != r.origin || len(rf.Salt) == 0 {
		return nil, nil
	}
	return &rf, nil
}

// check returns a *PasswordRejectedEarlierError when the IdP rejected pw
// before, and nil when it did not or nothing is on record.
func (r *rejections) check(pw string) error {
	rf, err := r.read()
	if err != nil || rf == nil {
		return err
	}
	h, err := r.hash(rf.Salt, pw)
	if err != nil {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	for _, rj := range rf.Rejected {
		if subtle.ConstantTimeCompare(h, rj.Hash) == 1 {
			return &PasswordRejectedEarlierError{Username: r.user, Origin: r.origin, At: rj.At, File: r.path()}
		}
	}
	return nil
}

func (r *rejections) at() time.Time {
	if r.now != nil {
		return r.now().UTC()
	}
	return time.Now().UTC()
}

// add records that the IdP rejected pw just now.
func (r *rejections) add(ctx context.Context, pw string) error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	path := r.path()
	// Processes of other accounts with the same user may add at once.
	lock, err := lockedfile.Acquire(ctx, path+".lock", 10*time.Second)
	if err != nil {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	defer lock.Release()
	rf, err := r.read()
	if err != nil {
		return err
	}
	if rf == nil {
		rf = &rejectionFile{Username: r.user, Origin: r.origin, Salt: make([]byte, 16)}
		if _, err := rand.Read(rf.Salt); err != nil {
			return fmt.Errorf("rejected passwords: %w", err)
		}
	}
	h, err := r.hash(rf.Salt, pw)
	if err != nil {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	rf.Rejected = append(rf.Rejected, rejected{Hash: h, At: r.at()})
	if len(rf.Rejected) > maxRejected {
		rf.Rejected = rf.Rejected[len(rf.Rejected)-maxRejected:]
	}
	data, err := json.MarshalIndent(rf, "", "  ")
	if err != nil {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	return lock.WriteAtomic(path, append(data, '\n'), nil, 0o600)
}

// clear forgets the rejections: the IdP accepted a password of this user.
func (r *rejections) clear(ctx context.Context) error {
	path := r.path()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	lock, err := lockedfile.Acquire(ctx, path+".lock", 10*time.Second)
	if err != nil {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	defer lock.Release()
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("rejected passwords: %w", err)
	}
	return nil
}

// PasswordRejectedEarlierError means awsfed did not send the password: the
// IdP rejected the same one for this user at this origin before, in this or
// another process, and has accepted none since.
type PasswordRejectedEarlierError struct {
	Username, Origin string
	At               time.Time
	File             string // the record; removing it lets awsfed send the password again
}

func (e *PasswordRejectedEarlierError) Error() string {
	return fmt.Sprintf("the IdP rejected this password for %s at %s earlier (%s); awsfed did not send it again",
		e.Username, e.Origin, e.At.Local().Format("2006-01-02 15:04"))
}

// Hint says how to go on.
func (e *PasswordRejectedEarlierError) Hint() string {
	return "give the current password (AWSFED_PASSWORD, --password-stdin, or type it), " +
		"or, once the IdP account is unlocked or its password reset, run: rm " + shellenv.Quote(e.File)
}

// Unwrap makes the error exit as a refusal (4) with its own hint, through
// provider.ServiceError's Rejected flag: provider.RejectedError's hint speaks
// of a password just sent.
func (e *PasswordRejectedEarlierError) Unwrap() error {
	return &provider.ServiceError{What: e.Error(), Hint: e.Hint(), Rejected: true}
}
