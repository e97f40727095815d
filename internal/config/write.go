package config

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/inifile"
)

// Save writes idp into its [idp NAME] section and acct into its
// [account NAME] section of the configuration file at path, creating the
// file (0600) or the sections as needed. Keys it is not given, other
// sections, comments and spacing stay byte for byte. A nil idp or acct
// leaves that section alone; empty fields are not written.
func Save(ctx context.Context, path string, idp *IdP, acct *Account) error {
	if err := validateIdP(idp); err != nil {
		return err
	}
	if err := validateAccount(acct); err != nil {
		return err
	}
	return awsfiles.Update(ctx, path, func(doc *inifile.Doc) error {
		if idp != nil {
			sect := sectionName(doc, "idp", idp.Name)
			setNonEmpty(doc, sect, "provider", idp.Provider)
			setNonEmpty(doc, sect, "url", idp.URL)
			setNonEmpty(doc, sect, "username", idp.Username)
			for _, k := range sortedKeys(idp.Settings) {
				setNonEmpty(doc, sect, k, idp.Settings[k])
			}
		}
		if acct != nil {
			sect := sectionName(doc, "account", acct.Name)
			setNonEmpty(doc, sect, "idp", acct.IdP)
			setNonEmpty(doc, sect, "role_arn", acct.RoleARN)
			setNonEmpty(doc, sect, "profile", acct.Profile)
			setNonEmpty(doc, sect, "region", acct.Region)
			if acct.Duration != 0 {
				doc.Set(sect, "duration", FormatDuration(acct.Duration))
			}
			setNonEmpty(doc, sect, "sts_endpoint", acct.STSEndpoint)
			setNonEmpty(doc, sect, "source", acct.Source)
			setNonEmpty(doc, sect, "external_id", acct.ExternalID)
			setNonEmpty(doc, sect, "session_name", acct.SessionName)
			setNonEmpty(doc, sect, "signin_endpoint", acct.SigninEndpoint)
		}
		if err := doc.Err(); err != nil {
			return err
		}
		// Login reads the file with Parse; refuse to leave behind a file
		// it would reject (e.g. an account naming an IdP with no section).
		if _, err := Parse(path, doc.Bytes()); err != nil {
			return err
		}
		return nil
	})
}

// FormatDuration renders d in the shortest form ParseDuration reads back:
// "8h", "90m", or Go's form for odd values.
func FormatDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// sectionName returns the header of the existing kind/name section, spelled
// as in the file (Parse tolerates extra spaces), or the canonical header.
func sectionName(doc *inifile.Doc, kind, name string) string {
	for _, s := range doc.Sections() {
		k, n, _ := strings.Cut(strings.TrimSpace(s.Name), " ")
		if k == kind && strings.TrimSpace(n) == name {
			return s.Name
		}
	}
	return kind + " " + name
}

func setNonEmpty(doc *inifile.Doc, section, key, value string) {
	if value != "" {
		doc.Set(section, key, value)
	}
}

func validateName(kind, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s name is empty", kind)
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("%s name %q starts or ends with a space", kind, name)
	case strings.ContainsAny(name, "]\r\n"):
		return fmt.Errorf("%s name %q contains ']' or a line break", kind, name)
	}
	return nil
}

func validateIdP(idp *IdP) error {
	if idp == nil {
		return nil
	}
	if err := validateName("idp", idp.Name); err != nil {
		return err
	}
	if idp.URL != "" {
		if err := validateURL(idp.URL); err != nil {
			return fmt.Errorf("idp %s: url: %w", idp.Name, err)
		}
	}
	for k := range idp.Settings {
		switch {
		case strings.EqualFold(k, "password"):
			// password_param (vro) names a workflow input and is fine.
			return fmt.Errorf("idp %s: key %q: passwords do not belong in the configuration file", idp.Name, k)
		case k == "provider" || k == "url" || k == "username":
			return fmt.Errorf("idp %s: key %q belongs in its own field, not in Settings", idp.Name, k)
		}
		if err := inifile.CheckKey(k); err != nil {
			return fmt.Errorf("idp %s: key %q: %w", idp.Name, k, err)
		}
	}
	return nil
}

func validateAccount(a *Account) error {
	if a == nil {
		return nil
	}
	if err := validateName("account", a.Name); err != nil {
		return err
	}
	if a.IdP != "" {
		if err := validateName("idp", a.IdP); err != nil {
			return fmt.Errorf("account %s: %w", a.Name, err)
		}
	}
	if a.Duration != 0 {
		if _, err := ParseDuration(FormatDuration(a.Duration)); err != nil {
			return fmt.Errorf("account %s: %w", a.Name, err)
		}
	}
	if a.STSEndpoint != "" {
		if err := validateURL(a.STSEndpoint); err != nil {
			return fmt.Errorf("account %s: sts_endpoint: %w", a.Name, err)
		}
	}
	return nil
}

func validateURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q is not an http or https URL", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}
