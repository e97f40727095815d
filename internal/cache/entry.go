package cache

import (
	"fmt"
	"time"
)

// Entry is one cached set of keys and what they were obtained for.
type Entry struct {
	Account string `json:"account"`
	// Role is the role asked for, "" when none was given; RoleARN is the
	// role actually assumed.
	Role    string `json:"role"`
	RoleARN string `json:"role_arn,omitempty"`
	Profile string `json:"profile,omitempty"`
	// Who the keys were obtained for: the IdP's host and the user name.
	Who string `json:"who,omitempty"`
	// Binding is a digest of everything else that decides what the keys
	// are: the [idp] section, the IdP's full URL, the provider's identity
	// settings and the STS endpoint (see Cache.Binding).
	Binding string `json:"binding,omitempty"`
	// Requested is the session length asked for (0: the IdP's default).
	Requested time.Duration `json:"requested,omitempty"`
	Region    string        `json:"region,omitempty"`

	AccessKeyID     string    `json:"access_key_id"`
	SecretAccessKey string    `json:"secret_access_key"`
	SessionToken    string    `json:"session_token"`
	Expiration      time.Time `json:"expiration"`
	Issued          time.Time `json:"issued"`
}

// Remaining is how long the keys stay valid after now; negative once expired.
func (e *Entry) Remaining(now time.Time) time.Duration { return e.Expiration.Sub(now) }

// String leaves the secret key and session token out, so that an entry
// passed to a log or a %v by mistake leaks nothing.
func (e Entry) String() string {
	return fmt.Sprintf("cache.Entry{Account:%q Role:%q RoleARN:%q Profile:%q Region:%q AccessKeyID:%q SecretAccessKey:%s SessionToken:%s Expiration:%s Issued:%s}",
		e.Account, e.Role, e.RoleARN, e.Profile, e.Region, e.AccessKeyID,
		redacted(e.SecretAccessKey), redacted(e.SessionToken),
		e.Expiration.Format(time.RFC3339), e.Issued.Format(time.RFC3339))
}

// GoString keeps %#v as discreet as %v.
func (e Entry) GoString() string { return e.String() }

func redacted(s string) string {
	if s == "" {
		return `""`
	}
	return "<redacted>"
}

// usable says whether an entry holds keys at all; a file that decodes to
// less is treated as missing rather than handed to the AWS SDK.
func (e *Entry) usable() bool {
	return e.Account != "" && e.AccessKeyID != "" && e.SecretAccessKey != "" && !e.Expiration.IsZero()
}
