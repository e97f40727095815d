// Package signin runs one login from start to end: provider (assertion) →
// saml (roles) → sts (keys) → awsfiles (profile) → sts (test). It is shared
// by `awsfed login` and `awsfed demo`, and prints the human progress lines.
// It owns the role choice and the session-duration policy; it does not parse
// flags, read configuration or decide exit codes.
package signin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/awsfed/awsfed/internal/awsfiles"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/saml"
	"github.com/awsfed/awsfed/internal/sts"
)

// DefaultDuration is asked for when neither the account, the flags nor the
// assertion's SessionDuration set one.
const DefaultDuration = time.Hour

// Options are the inputs of one login.
type Options struct {
	Login    *config.Login
	Provider provider.Provider
	Input    *provider.Input // URL, username, settings, HTTP client (Password and Prompt are set here)
	STS      *sts.Client
	Prompt   prompt.Prompter
	// Password returns the IdP password, asking p when it must ask.
	Password func(ctx context.Context, p prompt.Prompter) (string, error)

	CredentialsFile string
	// UseHint replaces the "Use them with: …" line (demo keys work only against the sandbox).
	UseHint  string
	SkipTest bool
	// Cached says the keys were reused from the cache rather than got by
	// this sign-in, so the test says "cached", not "new".
	Cached bool
	// Acquired, when set, sees the keys before they are written (login puts
	// them into the cache there).
	Acquired func(*Session) error
	// ViaProcess says the profile gets its keys through credential_process:
	// writing them into the credentials file would shadow it, so Publish
	// leaves the file alone (the keys are in awsfed's cache).
	ViaProcess bool

	// Names, when set, gives the aliases of the assertion's accounts
	// (account ID → alias) for the role picker, which then shows
	// "alias (123456789012) RoleName"; it is asked only when the picker
	// shows, and must not wait long. nil shows role ARNs.
	Names func(ctx context.Context, a *saml.Assertion) map[string]string

	Err      io.Writer // human progress; never secrets
	quiet    bool      // no progress lines (Many: several accounts at once)
	Debug    *debug.Logger
	Now      func() time.Time
	Location *time.Location
}

// Result is what a login produced; it is also the --json summary.
type Result struct {
	Profile         string    `json:"profile"`
	RoleARN         string    `json:"role_arn"`
	Expiration      time.Time `json:"expiration"`
	CallerARN       string    `json:"caller_arn,omitempty"`
	CredentialsFile string    `json:"credentials_file"`
}

// Session is what a sign-in produced, before anything is written.
type Session struct {
	RoleARN string
	sts.Credentials
}

// MaxDuration is the longest session AWS grants (a role's MaxSessionDuration
// is at most 12h).
const MaxDuration = 12 * time.Hour

// Run performs the login: Acquire, then write the profile and test the keys.
func Run(ctx context.Context, o Options) (*Result, error) {
	o.defaults()
	l := o.Login
	if !o.ViaProcess {
		if err := RefuseLongTermKeys(o.CredentialsFile, l.Profile); err != nil {
			return nil, err
		}
	}
	s, err := Acquire(ctx, o)
	if err != nil {
		return nil, err
	}
	if o.Acquired != nil {
		if err := o.Acquired(s); err != nil {
			return nil, err
		}
	}
	return Publish(ctx, o, s)
}

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
}

// Acquire signs in at the IdP, chooses the role and redeems the assertion
// at STS. It writes nothing; progress goes to o.Err.
func Acquire(ctx context.Context, o Options) (*Session, error) {
	o.defaults()
	line := o.progress()
	a, err := assert(ctx, o, line)
	if err != nil {
		return nil, err
	}
	return redeem(ctx, o, a, line)
}

// Assert signs in at the IdP and returns the assertion, which may serve
// every account of the IdP for its five minutes.
func Assert(ctx context.Context, o Options) (*saml.Assertion, error) {
	o.defaults()
	return assert(ctx, o, o.progress())
}

// Redeem chooses o.Login's role among those a grants and assumes it.
func Redeem(ctx context.Context, o Options, a *saml.Assertion) (*Session, error) {
	o.defaults()
	return redeem(ctx, o, a, o.progress())
}

// progress is the progress line of a sign-in; with --debug, lines of their
// own keep debug output from landing mid-line.
func (o *Options) progress() *progress {
	if o.quiet {
		return &progress{w: io.Discard}
	}
	return &progress{w: o.Err, closeEach: o.Debug.Enabled()}
}

func assert(ctx context.Context, o Options, line *progress) (*saml.Assertion, error) {
	l := o.Login
	line.start(fmt.Sprintf("Getting SAML assertion from %s", displayURL(l.URL)))
	// Questions asked while a progress line is open start on a line of their own.
	ask := &lineBreakingPrompter{p: o.Prompt, line: line}
	in := *o.Input
	in.Prompt = ask
	in.Password = func(ctx context.Context) (string, error) { return o.Password(ctx, ask) }
	raw, err := o.Provider.Assertion(ctx, &in)
	if err != nil {
		line.fail()
		return nil, err
	}
	a, err := saml.Parse(raw)
	if err != nil {
		line.fail()
		return nil, fmt.Errorf("the IdP at %s sent an unusable SAML response: %w", displayURL(l.URL), err)
	}
	line.done()
	o.Debug.Printf("assertion: issuer %s, %d role(s), session name %q, session duration %s, valid until %s",
		a.Issuer, len(a.Roles), a.RoleSessionName, a.SessionDuration, a.NotOnOrAfter.Format(time.RFC3339))
	return a, nil
}

func redeem(ctx context.Context, o Options, a *saml.Assertion, line *progress) (*Session, error) {
	l := o.Login
	ask := &lineBreakingPrompter{p: o.Prompt, line: line}
	var names func(string) string
	if o.Names != nil {
		var once sync.Once
		var m map[string]string
		names = func(id string) string {
			once.Do(func() { m = o.Names(ctx, a) })
			return m[id]
		}
	}
	role, err := chooseRole(ctx, ask, a.Roles, l.RoleARN, l.Account, names)
	if err != nil {
		return nil, err
	}

	duration := sessionDuration(l.Duration, a.SessionDuration)
	o.Debug.Printf("asking STS for %s (configured %s, assertion's SessionDuration %s)", duration, l.Duration, a.SessionDuration)

	line.start(fmt.Sprintf("Assuming %s", role.RoleARN))
	res, err := o.STS.AssumeRoleWithSAML(ctx, role.RoleARN, role.PrincipalARN, a.Response, duration)
	if err != nil && sts.IsDurationTooLong(err) && duration > time.Hour {
		line.fail()
		fmt.Fprintf(o.Err, "The role allows sessions shorter than %s (its MaxSessionDuration); retrying with 1h.\n", duration)
		line.start(fmt.Sprintf("Assuming %s for 1h", role.RoleARN))
		res, err = o.STS.AssumeRoleWithSAML(ctx, role.RoleARN, role.PrincipalARN, a.Response, time.Hour)
	}
	if err != nil {
		line.fail()
		return nil, fmt.Errorf("assume %s: %w", role.RoleARN, err)
	}
	line.done()
	return &Session{RoleARN: role.RoleARN, Credentials: res.Credentials}, nil
}

// sessionDuration is the length asked of STS: the configured one capped by
// the assertion's SessionDuration, else the longest the IdP allows (at most
// 12h), else 1h.
func sessionDuration(configured, fromIdP time.Duration) time.Duration {
	switch {
	case configured > 0 && fromIdP > 0:
		return min(configured, fromIdP)
	case configured > 0:
		return configured
	case fromIdP > 0:
		return min(fromIdP, MaxDuration)
	}
	return DefaultDuration
}

// Publish writes s into the profile of the credentials file, tells the user
// and tests the keys (unless o.SkipTest).
func Publish(ctx context.Context, o Options, s *Session) (*Result, error) {
	o.defaults()
	l := o.Login
	if o.ViaProcess {
		return publishViaProcess(ctx, o, s)
	}
	if err := RefuseLongTermKeys(o.CredentialsFile, l.Profile); err != nil {
		return nil, err
	}
	keys := awsfiles.Keys{
		AccessKeyID:     s.AccessKeyID,
		SecretAccessKey: s.SecretAccessKey,
		SessionToken:    s.SessionToken,
		Expiration:      s.Expiration,
	}
	if err := awsfiles.WriteCredentials(ctx, o.CredentialsFile, l.Profile, keys, awsfiles.Notify(o.Err)); err != nil {
		return nil, err
	}
	result := &Result{Profile: l.Profile, RoleARN: s.RoleARN, Expiration: s.Expiration.UTC(), CredentialsFile: o.CredentialsFile}

	exp := s.Expiration
	fmt.Fprintf(o.Err, "\nCredentials for profile %q written to %s\n", l.Profile, o.CredentialsFile)
	fmt.Fprintf(o.Err, "They expire at %s (local time, %s UTC); run `awsfed login %s` again after that.\n",
		exp.In(o.Location).Format("2006-01-02 15:04"), exp.UTC().Format(time.RFC3339), l.Account)
	if o.UseHint != "" {
		fmt.Fprintln(o.Err, o.UseHint)
	} else {
		fmt.Fprintf(o.Err, "Use them with: aws --profile %s sts get-caller-identity   or   export AWS_PROFILE=%s\n", l.Profile, l.Profile)
	}
	return result, test(ctx, o, s, result)
}

// publishViaProcess tells the user where keys of a credential_process
// profile are: in the cache the profile reads.
func publishViaProcess(ctx context.Context, o Options, s *Session) (*Result, error) {
	l := o.Login
	result := &Result{Profile: l.Profile, RoleARN: s.RoleARN, Expiration: s.Expiration.UTC()}
	exp := s.Expiration
	fmt.Fprintf(o.Err, "\nProfile %q gets its keys from awsfed (credential_process); the new keys are cached for it.\n", l.Profile)
	fmt.Fprintf(o.Err, "They expire at %s (local time, %s UTC); AWS tools using the profile get fresh ones by themselves.\n",
		exp.In(o.Location).Format("2006-01-02 15:04"), exp.UTC().Format(time.RFC3339))
	fmt.Fprintf(o.Err, "Use them with: aws --profile %s sts get-caller-identity   or   export AWS_PROFILE=%s\n", l.Profile, l.Profile)
	return result, test(ctx, o, s, result)
}

// test checks the new keys with GetCallerIdentity unless o.SkipTest.
func test(ctx context.Context, o Options, s *Session, result *Result) error {
	if o.SkipTest {
		return nil
	}
	which := "new"
	if o.Cached {
		which = "cached"
	}
	id, err := o.STS.GetCallerIdentity(ctx, s.Credentials)
	if err != nil {
		fmt.Fprintf(o.Err, "Testing %s credentials: failed\n", which)
		return fmt.Errorf("testing the %s credentials: %w", which, err)
	}
	result.CallerARN = id.ARN
	fmt.Fprintf(o.Err, "Testing %s credentials: passed (%s)\n", which, id.ARN)
	return nil
}

// LongTermKeysError refuses to overwrite a profile that holds long-term keys.
type LongTermKeysError struct{ Profile, File string }

func (e *LongTermKeysError) Error() string {
	return fmt.Sprintf("profile %q in %s holds long-term keys (no session token); awsfed will not overwrite them", e.Profile, e.File)
}

// Hint says what to do instead.
func (e *LongTermKeysError) Hint() string {
	return "choose another profile with --profile (or profile = in the account's section), or move those keys yourself"
}

// RefuseLongTermKeys fails when profile holds long-term keys, which awsfed
// never overwrites.
func RefuseLongTermKeys(file, profile string) error {
	f, err := awsfiles.ReadCredentialsFile(file)
	if err != nil {
		return err
	}
	return refuseLongTermKeys(f, file, profile)
}

// refuseLongTermKeys is RefuseLongTermKeys on f, the file read once for
// several profiles.
func refuseLongTermKeys(f *awsfiles.CredentialsFile, file, profile string) error {
	if k, ok := f.Keys(profile); ok && k.AccessKeyID != "" && k.SessionToken == "" {
		return &LongTermKeysError{Profile: profile, File: file}
	}
	return nil
}

// displayURL is the URL without its query, for messages.
func displayURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}

// progress prints "Doing X ... done" lines, and ends an open line before a
// prompt so that the question starts on its own line.
type progress struct {
	w         io.Writer
	msg       string
	open      bool
	closeEach bool // end every started line at once
}

func (p *progress) start(msg string) {
	p.msg, p.open = msg, true
	fmt.Fprintf(p.w, "%s ... ", msg)
	if p.closeEach {
		p.interrupt()
	}
}

func (p *progress) interrupt() {
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

func (p *progress) done() {
	if !p.open {
		fmt.Fprintf(p.w, "%s ... ", p.msg)
	}
	fmt.Fprintln(p.w, "done")
	p.open = false
}

func (p *progress) fail() {
	if !p.open {
		fmt.Fprintf(p.w, "%s ... ", p.msg)
	}
	fmt.Fprintln(p.w, "failed")
	p.open = false
}

var errNoRoles = errors.New("the SAML response grants no AWS role")

// lineBreakingPrompter ends an open progress line before each question.
type lineBreakingPrompter struct {
	p    prompt.Prompter
	line *progress
}

func (l *lineBreakingPrompter) Input(ctx context.Context, label, def string) (string, error) {
	l.line.interrupt()
	return l.p.Input(ctx, label, def)
}

func (l *lineBreakingPrompter) Password(ctx context.Context, label string) (string, error) {
	l.line.interrupt()
	return l.p.Password(ctx, label)
}

func (l *lineBreakingPrompter) Select(ctx context.Context, label string, options []string) (int, error) {
	l.line.interrupt()
	return l.p.Select(ctx, label, options)
}

func (l *lineBreakingPrompter) Wait(ctx context.Context, label string) (string, error) {
	l.line.interrupt()
	return l.p.Wait(ctx, label)
}
