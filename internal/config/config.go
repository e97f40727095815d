// Package config reads awsfed's own configuration file: [idp NAME] sections
// that say how to reach an identity provider and [account NAME] sections that
// say which role to assume into which AWS profile. It resolves the effective
// settings of one login from the file and the command-line overrides.
// It does not touch the user's ~/.aws files and knows nothing of HTTP.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/inifile"
	"github.com/awsfed/awsfed/internal/userdir"
)

// IdP is one [idp NAME] section.
type IdP struct {
	Name     string
	Provider string
	URL      string
	Username string
	Settings map[string]string // every other key, for the provider
	Line     int
}

// Account is one [account NAME] section.
type Account struct {
	Name        string
	IdP         string
	RoleARN     string
	Profile     string
	Region      string
	Duration    time.Duration
	STSEndpoint string
	// AllowInsecureHTTP lets sts_endpoint be plain http to a host that is
	// not loopback (allow_insecure_http = true).
	AllowInsecureHTTP bool
	// Source names the account whose keys assume RoleARN (role chaining,
	// STS AssumeRole); ExternalID and SessionName go with that call.
	Source, ExternalID, SessionName string
	// SigninEndpoint is the AWS federation endpoint for the console
	// (default: the partition's sign-in host).
	SigninEndpoint string
	Line           int
	// Lines are the line numbers of the section's keys, for errors.
	Lines map[string]int
}

// File is a parsed configuration file. A missing file is an empty File.
type File struct {
	Path     string
	Exists   bool
	IdPs     map[string]*IdP
	Accounts map[string]*Account
}

// Error points at the place in the configuration file that is wrong.
type Error struct {
	Path string
	Line int
	Key  string
	Msg  string
	Hint string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": key %q", e.Key)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Path returns the configuration file's path: $AWSFED_CONFIG, else
// $XDG_CONFIG_HOME/awsfed/config, else ~/.config/awsfed/config.
func Path(env func(string) string) (string, error) {
	if p := env("AWSFED_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := userdir.XDG(env, "XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("cannot find the configuration file: no home directory (set AWSFED_CONFIG)")
	}
	return filepath.Join(dir, "awsfed", "config"), nil
}

// Load reads and parses the file at path; a missing file is not an error.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &File{Path: path, IdPs: map[string]*IdP{}, Accounts: map[string]*Account{}}, nil
	}
	if err != nil {
		return nil, &Error{Path: path, Msg: "cannot read: " + errText(err), Hint: "check the file's permissions, or point AWSFED_CONFIG at another file"}
	}
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	f.Exists = true
	return f, nil
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

var accountKeys = []string{"idp", "role_arn", "profile", "region", "duration", "sts_endpoint", "allow_insecure_http", "source", "external_id", "session_name", "signin_endpoint"}

// Parse parses configuration text; path is used in errors.
func Parse(path string, data []byte) (*File, error) {
	doc, err := inifile.Parse(data)
	if err != nil {
		var se *inifile.SyntaxError
		if errors.As(err, &se) {
			return nil, &Error{Path: path, Line: se.Line, Msg: se.Msg, Hint: "sections look like [idp NAME] or [account NAME]; settings like key = value"}
		}
		return nil, &Error{Path: path, Msg: err.Error()}
	}
	f := &File{Path: path, IdPs: map[string]*IdP{}, Accounts: map[string]*Account{}}
	seen := map[string]int{}
	for _, s := range doc.Sections() {
		if first, dup := seen[s.Name]; dup {
			return nil, &Error{Path: path, Line: s.Line, Msg: fmt.Sprintf("section [%s] appears again (first at line %d)", s.Name, first), Hint: "merge the two sections into one"}
		}
		seen[s.Name] = s.Line
		kind, name, _ := strings.Cut(strings.TrimSpace(s.Name), " ")
		name = strings.TrimSpace(name)
		if (kind == "idp" || kind == "account") && name == "" {
			return nil, &Error{Path: path, Line: s.Line, Msg: fmt.Sprintf("section [%s] has no name", s.Name), Hint: fmt.Sprintf("write it as [%s NAME]", kind)}
		}
		keys := map[string]int{}
		for _, k := range doc.Keys(s.Name) {
			if first, dup := keys[k.Name]; dup {
				return nil, &Error{Path: path, Line: k.Line, Key: k.Name, Msg: fmt.Sprintf("set twice in [%s] (first at line %d)", s.Name, first), Hint: "keep one of them"}
			}
			keys[k.Name] = k.Line
		}
		switch kind {
		case "idp":
			idp := &IdP{Name: name, Line: s.Line, Settings: map[string]string{}}
			for _, k := range doc.Keys(s.Name) {
				switch k.Name {
				case "provider":
					idp.Provider = k.Value
				case "url":
					idp.URL = k.Value
				case "username":
					idp.Username = k.Value
				case "password":
					return nil, &Error{Path: path, Line: k.Line, Key: k.Name, Msg: "passwords do not belong in the configuration file", Hint: "remove the line; awsfed asks for the password, or reads it from --password-stdin or AWSFED_PASSWORD"}
				default:
					idp.Settings[k.Name] = k.Value
				}
			}
			f.IdPs[name] = idp
		case "account":
			a := &Account{Name: name, Line: s.Line, Lines: keys}
			for _, k := range doc.Keys(s.Name) {
				switch k.Name {
				case "source":
					a.Source = k.Value
				case "external_id":
					a.ExternalID = k.Value
				case "session_name":
					a.SessionName = k.Value
				case "signin_endpoint":
					a.SigninEndpoint = k.Value
				case "idp":
					a.IdP = k.Value
				case "role_arn":
					a.RoleARN = k.Value
				case "profile":
					a.Profile = k.Value
				case "region":
					a.Region = k.Value
				case "sts_endpoint":
					a.STSEndpoint = k.Value
				case "allow_insecure_http":
					b, ok := ParseBool(k.Value)
					if !ok {
						return nil, &Error{Path: path, Line: k.Line, Key: k.Name, Msg: fmt.Sprintf("%q is not true or false", k.Value), Hint: "write allow_insecure_http = true (or false)"}
					}
					a.AllowInsecureHTTP = b
				case "duration":
					d, err := ParseDuration(k.Value)
					if err != nil {
						return nil, &Error{Path: path, Line: k.Line, Key: k.Name, Msg: err.Error(), Hint: "write a Go duration between 15m and 12h, e.g. duration = 8h"}
					}
					a.Duration = d
				default:
					return nil, &Error{Path: path, Line: k.Line, Key: k.Name, Msg: fmt.Sprintf("unknown key in [%s]", s.Name), Hint: "an account knows: " + strings.Join(accountKeys, ", ")}
				}
			}
			f.Accounts[name] = a
		default:
			return nil, &Error{Path: path, Line: s.Line, Msg: fmt.Sprintf("unknown section [%s]", s.Name), Hint: "sections are [idp NAME] and [account NAME]"}
		}
	}
	for _, name := range sortedKeys(f.Accounts) {
		a := f.Accounts[name]
		if err := f.checkSource(a); err != nil {
			return nil, err
		}
		if a.IdP != "" {
			if _, ok := f.IdPs[a.IdP]; !ok {
				return nil, &Error{Path: path, Line: a.Line, Key: "idp", Msg: fmt.Sprintf("account %q names idp %q, which has no [idp %s] section", a.Name, a.IdP, a.IdP), Hint: "known IdPs: " + listOrNone(sortedKeys(f.IdPs))}
			}
		}
	}
	return f, nil
}

// ParseBool reads a yes/no setting: true, yes, on, 1 or false, no, off, 0.
func ParseBool(v string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true, true
	case "false", "no", "off", "0", "":
		return false, true
	}
	return false, false
}

// ParseDuration parses a session duration: a Go duration ("12h", "90m") or
// a plain number of seconds, between 15 minutes and 12 hours.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err != nil {
		var secs int
		if _, serr := fmt.Sscanf(s, "%d", &secs); serr == nil && fmt.Sprint(secs) == s {
			d = time.Duration(secs) * time.Second
		} else {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
	}
	if d < 15*time.Minute || d > 12*time.Hour {
		return 0, fmt.Errorf("duration %s is outside 15m to 12h (what AWS allows)", d)
	}
	return d, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// LoadDefault loads the file Path names (file.Path says which it was).
func LoadDefault(env func(string) string) (*File, error) {
	path, err := Path(env)
	if err != nil {
		return nil, err
	}
	return Load(path)
}
