package awsfiles

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/awsfed/awsfed/internal/inifile"
)

// ConfigSection is the section name of profile in ~/.aws/config: [default]
// or [profile NAME].
func ConfigSection(profile string) string {
	if profile == "default" {
		return "default"
	}
	return "profile " + profile
}

// SetConfigProfile sets keys of profile in the AWS config file at path,
// under the same lock and atomic write as the credentials file; other keys,
// sections and comments stay byte for byte. An empty value deletes its key.
func SetConfigProfile(ctx context.Context, path, profile string, keys map[string]string, order []string) error {
	section := ConfigSection(profile)
	return Update(ctx, path, func(doc *inifile.Doc) error {
		for _, name := range order {
			if v := keys[name]; v != "" {
				setKey(doc, section, name, v)
			} else {
				deleteKey(doc, section, name)
			}
		}
		return nil
	})
}

// ReadConfigProfile returns the keys of profile in the AWS config file; ok
// is false when the file or the section does not exist.
func ReadConfigProfile(path, profile string) (map[string]string, bool, error) {
	f, err := ReadConfigFile(path)
	if err != nil {
		return nil, false, err
	}
	keys, ok := f.Profile(profile)
	return keys, ok, nil
}

// ConfigFile is one reading of the AWS config file, for a caller that
// looks up several profiles: one parse instead of one per profile.
type ConfigFile struct{ doc *inifile.Doc }

// ReadConfigFile reads the AWS config file at path; a missing file reads as
// one without profiles. A file the AWS CLI would refuse, or one that cannot
// be read, gives a *FileError.
func ReadConfigFile(path string) (*ConfigFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = nil, nil
	}
	if err != nil {
		return nil, &FileError{Path: path, Msg: "cannot read it: " + err.Error(), err: err}
	}
	doc, err := parseStrict(path, data)
	if err != nil {
		return nil, err
	}
	return &ConfigFile{doc: doc}, nil
}

// Profile returns the keys of profile; ok is false when its section does
// not exist.
func (f *ConfigFile) Profile(profile string) (map[string]string, bool) {
	section := ConfigSection(profile)
	found := false
	for _, s := range f.doc.Sections() {
		if s.Name == section {
			found = true
		}
	}
	out := map[string]string{}
	for _, k := range f.doc.Keys(section) {
		out[k.Name] = k.Value
	}
	return out, found
}
