package awsfiles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
)

// Keys are AWS credentials as the credentials file holds them.
type Keys struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string    // empty for long-term keys
	Expiration      time.Time // zero when unknown or never
}

// The keys awsfed owns in a profile; it touches no other.
const (
	keyAccessKeyID     = "aws_access_key_id"
	keySecretAccessKey = "aws_secret_access_key"
	keySessionToken    = "aws_session_token"
	keySecurityToken   = "aws_security_token" // the old name, still read by some tools
	keyExpires         = "x_security_token_expires"
)

var ownedKeys = []string{keyAccessKeyID, keySecretAccessKey, keySessionToken, keySecurityToken, keyExpires}

// WriteCredentials stores k in section [profile] of the credentials file at
// path: access key, secret key, the session token under both its names, and
// the expiry in RFC 3339 UTC. Keys without a session token or an expiry
// remove those lines rather than leave stale ones. A file that others could
// read is made 0600 (see Notify).
func WriteCredentials(ctx context.Context, path, profile string, k Keys, opts ...WriteOption) error {
	return WriteProfiles(ctx, path, map[string]Keys{profile: k}, opts...)
}

// WriteProfiles is WriteCredentials for several profiles at once: one lock,
// one atomic replacement of the file, so that keys from one sign-in land
// together or not at all.
func WriteProfiles(ctx context.Context, path string, profiles map[string]Keys, opts ...WriteOption) error {
	names := make([]string, 0, len(profiles))
	for profile, k := range profiles {
		if err := inifile.CheckSection(profile); err != nil {
			return fmt.Errorf("profile %q: %w", profile, err)
		}
		if k.AccessKeyID == "" || k.SecretAccessKey == "" {
			return fmt.Errorf("profile %s: an access key id and a secret access key are both needed", profile)
		}
		names = append(names, profile)
	}
	slices.Sort(names) // new sections are added in a stable order
	var o writeOptions
	for _, opt := range opts {
		opt(&o)
	}
	loose, err := update(ctx, path, lockWait, true, func(doc *inifile.Doc) error {
		for _, profile := range names {
			setKeys(doc, profile, profiles[profile])
		}
		return nil
	})
	if err == nil && loose != 0 && o.notice != nil {
		fmt.Fprintf(o.notice, "awsfed: made %s private (mode %04o → 0600): it holds secret keys\n", path, loose)
	}
	return err
}

func setKeys(doc *inifile.Doc, profile string, k Keys) {
	setKey(doc, profile, keyAccessKeyID, k.AccessKeyID)
	setKey(doc, profile, keySecretAccessKey, k.SecretAccessKey)
	if k.SessionToken != "" {
		setKey(doc, profile, keySessionToken, k.SessionToken)
		setKey(doc, profile, keySecurityToken, k.SessionToken)
	} else {
		deleteKey(doc, profile, keySessionToken)
		deleteKey(doc, profile, keySecurityToken)
	}
	if !k.Expiration.IsZero() {
		setKey(doc, profile, keyExpires, k.Expiration.UTC().Format(time.RFC3339))
	} else {
		deleteKey(doc, profile, keyExpires)
	}
}

// A WriteOption changes how WriteCredentials writes.
type WriteOption func(*writeOptions)

type writeOptions struct {
	notice io.Writer
}

// Notify has WriteCredentials say on w, in one line, that it made the file
// private: the user, or a tool that set the mode, should know it changed.
// It never says more; nothing of the keys is printed.
func Notify(w io.Writer) WriteOption {
	return func(o *writeOptions) { o.notice = w }
}

// ReadCredentials returns the keys of [profile]; false when the file, the
// section or its access key id is missing. It takes no lock: writers replace
// the file by rename, so a read sees one whole version. A file the AWS CLI
// would refuse gives a *FileError. An expiry that does not parse reads as
// zero (unknown); a missing aws_session_token falls back to aws_security_token.
func ReadCredentials(path, profile string) (Keys, bool, error) {
	f, err := ReadCredentialsFile(path)
	if err != nil {
		return Keys{}, false, err
	}
	k, ok := f.Keys(profile)
	return k, ok, nil
}

// CredentialsFile is one reading of the credentials file, for a caller that
// looks up several profiles (a sign-in for many accounts): one parse
// instead of one per profile.
type CredentialsFile struct{ doc *inifile.Doc }

// ReadCredentialsFile reads the credentials file at path as ReadCredentials
// does; a missing file reads as one without profiles.
func ReadCredentialsFile(path string) (*CredentialsFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	doc, err := parseStrict(path, data)
	if err != nil {
		return nil, err
	}
	return &CredentialsFile{doc: doc}, nil
}

// Keys returns the keys of [profile] as ReadCredentials does.
func (f *CredentialsFile) Keys(profile string) (Keys, bool) {
	get := func(name string) string { v, _ := getKey(f.doc, profile, name); return v }
	k := Keys{AccessKeyID: get(keyAccessKeyID), SecretAccessKey: get(keySecretAccessKey), SessionToken: get(keySessionToken)}
	if k.AccessKeyID == "" {
		return Keys{}, false
	}
	if k.SessionToken == "" {
		k.SessionToken = get(keySecurityToken)
	}
	if t, err := time.Parse(time.RFC3339, get(keyExpires)); err == nil {
		k.Expiration = t.UTC()
	}
	return k, true
}

// RemoveCredentials deletes the keys awsfed writes from [profile], and the
// section too when nothing else is left in it. Other keys stay.
func RemoveCredentials(ctx context.Context, path, profile string) error {
	return Update(ctx, path, func(doc *inifile.Doc) error {
		for _, name := range ownedKeys {
			deleteKey(doc, profile, name)
		}
		if len(doc.Keys(profile)) == 0 {
			doc.DeleteSection(profile)
		}
		return nil
	})
}

// The AWS CLI reads key names lowercased (inifile.KeyName), so
// AWS_ACCESS_KEY_ID in the file is the key awsfed owns; it is rewritten in
// its own spelling rather than joined by a second, lowercase copy the CLI
// would reject.

func setKey(doc *inifile.Doc, section, name, value string) {
	if existing, ok := findKey(doc, section, name); ok {
		name = existing
	}
	doc.Set(section, name, value)
}

func getKey(doc *inifile.Doc, section, name string) (string, bool) {
	existing, ok := findKey(doc, section, name)
	if !ok {
		return "", false
	}
	return doc.Get(section, existing)
}

func deleteKey(doc *inifile.Doc, section, name string) {
	for doc.Err() == nil {
		existing, ok := findKey(doc, section, name)
		if !ok {
			return
		}
		doc.Delete(section, existing)
	}
}

func findKey(doc *inifile.Doc, section, name string) (string, bool) {
	for _, k := range doc.Keys(section) {
		if inifile.KeyName(k.Name) == inifile.KeyName(name) {
			return k.Name, true
		}
	}
	return "", false
}
