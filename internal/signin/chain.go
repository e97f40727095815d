package signin

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/sts"
)

// Chain assumes o.Login's role with the keys of its source (role chaining,
// STS AssumeRole). AWS caps such sessions at one hour: a longer configured
// duration is asked as 1h, and Chain says so on o.Err.
func Chain(ctx context.Context, o Options, source *Session) (*Session, error) {
	o.defaults()
	l := o.Login
	d := ChainedDuration(l)
	if l.Duration > sts.ChainedMax {
		fmt.Fprintf(o.Err, "Account %s: asking for 1h, not %s: AWS caps sessions of chained roles at 1h.\n", l.Account, config.FormatDuration(l.Duration))
	}
	line := o.progress()
	line.start(fmt.Sprintf("Assuming %s with the keys of %s", l.RoleARN, l.Source.Account))
	res, err := o.STS.AssumeRole(ctx, source.Credentials, sts.AssumeRoleInput{
		RoleARN: l.RoleARN, SessionName: SessionName(l), ExternalID: l.ExternalID, Duration: d,
	})
	if err != nil {
		line.fail()
		return nil, fmt.Errorf("assume %s with the keys of %s: %w", l.RoleARN, l.Source.Account, err)
	}
	line.done()
	return &Session{RoleARN: l.RoleARN, Credentials: res.Credentials}, nil
}

// ChainedDuration is the session length asked for a chained role: the
// configured one, at most 1h.
func ChainedDuration(l *config.Login) (d time.Duration) {
	if l.Duration == 0 || l.Duration > sts.ChainedMax {
		return sts.ChainedMax
	}
	return l.Duration
}

var badSessionChars = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^\w+=,.@-]`) })

// SessionName is the RoleSessionName of a chained role: session_name, else
// the IdP username made to fit AWS's constraint, else "awsfed".
func SessionName(l *config.Login) string {
	if l.SessionName != "" {
		return l.SessionName
	}
	name := badSessionChars().ReplaceAllString(l.Username, "_")
	if len(name) > 64 {
		name = name[:64]
	}
	if len(strings.Trim(name, "_")) < 2 {
		return "awsfed"
	}
	return name
}
