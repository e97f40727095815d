package signin

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/awsfed/awsfed/internal/awsfiles"
)

// Published is one account's keys on their way to its profile.
type Published struct {
	// Options of the account: Login (the profile), CredentialsFile,
	// ViaProcess (keys stay in the cache), STS and SkipTest.
	Options Options
	Session *Session
	// Result is filled in; Err says why this account failed.
	Result Result
	Err    error
}

// PublishMany is Publish for several accounts of one sign-in: every
// profile (but those of credential_process profiles, and those holding
// long-term keys) is written in one locked, atomic update of the
// credentials file while every account's keys are tested at once. An
// account that fails does not stop the others; its Err says why. notice
// hears that the file was made private, if it was.
func PublishMany(ctx context.Context, items []*Published, notice io.Writer) {
	profiles := map[string]awsfiles.Keys{}
	var written []*Published
	file := ""
	// The credentials file is read once for all profiles, not once each.
	read := map[string]*awsfiles.CredentialsFile{}
	for _, p := range items {
		l := p.Options.Login
		p.Result = Result{Profile: l.Profile, RoleARN: p.Session.RoleARN, Expiration: p.Session.Expiration.UTC()}
		if p.Options.ViaProcess {
			continue
		}
		path := p.Options.CredentialsFile
		f, ok := read[path]
		if !ok {
			var err error
			if f, err = awsfiles.ReadCredentialsFile(path); err != nil {
				p.Err = err
				continue
			}
			read[path] = f
		}
		if err := refuseLongTermKeys(f, path, l.Profile); err != nil {
			p.Err = err
			continue
		}
		if _, dup := profiles[l.Profile]; dup {
			p.Err = fmt.Errorf("profile %s is the profile of another account named too: give each account its own profile", l.Profile)
			continue
		}
		profiles[l.Profile] = awsfiles.Keys{
			AccessKeyID: p.Session.AccessKeyID, SecretAccessKey: p.Session.SecretAccessKey,
			SessionToken: p.Session.SessionToken, Expiration: p.Session.Expiration,
		}
		file = p.Options.CredentialsFile
		p.Result.CredentialsFile = file
		written = append(written, p)
	}
	// The tests need the keys only, not the file: they run while it is
	// written (and synced), and a profile that could not be written fails
	// for that whatever its test said.
	var wg sync.WaitGroup
	for _, p := range items {
		if p.Err != nil || p.Options.SkipTest {
			continue
		}
		wg.Go(func() {
			id, err := p.Options.STS.GetCallerIdentity(ctx, p.Session.Credentials)
			if err != nil {
				p.Err = fmt.Errorf("testing the keys: %w", err)
				return
			}
			p.Result.CallerARN = id.ARN
		})
	}
	var werr error
	if len(written) > 0 {
		werr = awsfiles.WriteProfiles(ctx, file, profiles, awsfiles.Notify(notice))
	}
	wg.Wait()
	if werr != nil {
		for _, p := range written {
			p.Err, p.Result.CredentialsFile, p.Result.CallerARN = werr, "", ""
		}
	}
}
