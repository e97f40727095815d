package onelogin

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/provider"
)

const (
	// tokenMargin keeps a cached token from expiring between the check
	// and the calls of a login that waits for a push.
	tokenMargin = 5 * time.Minute
	// lockWait bounds the wait for another awsfed fetching a token.
	lockWait = 15 * time.Second
)

// token is an API access token.
type token struct {
	value   string
	expires time.Time
	cached  bool // read from the cache file rather than fetched now
}

func (t *token) header() string { return "bearer:" + t.value }

// tokenFile is the JSON kept in the cache: the API host and client id are
// kept so that a file is never used for another tenant.
type tokenFile struct {
	API         string    `json:"api"`
	ClientID    string    `json:"client_id"`
	AccessToken string    `json:"access_token"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// cachePath is the token file for this API host and client id.
func (f *flow) cachePath() string {
	sum := sha256.Sum256([]byte(f.cfg.base.String() + "\n" + f.cfg.clientID))
	return filepath.Join(f.in.CacheDir, "onelogin-token-"+hex.EncodeToString(sum[:8])+".json")
}

// getToken returns a usable token: the cached one unless it is the one
// just refused (rejected), else a new one, which it caches. The cache is
// an optimisation: when it cannot be used the login goes on without it.
func (f *flow) getToken(ctx context.Context, rejected string) (*token, error) {
	if f.in.CacheDir == "" {
		return f.fetchToken(ctx)
	}
	if err := os.MkdirAll(f.in.CacheDir, 0o700); err != nil {
		f.log.Printf("onelogin: token cache unusable: %v", err)
		return f.fetchToken(ctx)
	}
	path := f.cachePath()
	lock, err := lockedfile.Acquire(ctx, path+".lock", lockWait)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		f.log.Printf("onelogin: token cache unusable: %v", err)
		return f.fetchToken(ctx)
	}
	defer lock.Release()
	if t := f.readCache(path); t != nil && t.value != rejected {
		f.log.Printf("onelogin: using the cached API token (expires %s)", t.expires.UTC().Format(time.RFC3339))
		return t, nil
	}
	t, err := f.fetchToken(ctx)
	if err != nil {
		return nil, err
	}
	if t.expires.IsZero() {
		return t, nil
	}
	data, _ := json.Marshal(tokenFile{API: f.cfg.base.String(), ClientID: f.cfg.clientID, AccessToken: t.value, ExpiresAt: t.expires.UTC()})
	// nil old info: the file is always (re)made 0600, whatever it was.
	if err := lock.WriteAtomic(path, data, nil, 0o600); err != nil {
		f.log.Printf("onelogin: not caching the API token: %v", err)
	} else {
		f.log.Printf("onelogin: cached the API token in %s", path)
	}
	return t, nil
}

// readCache returns the cached token if it is for this tenant and not
// about to expire.
func (f *flow) readCache(path string) *token {
	raw, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			f.log.Printf("onelogin: reading the token cache: %v", err)
		}
		return nil
	}
	var tf tokenFile
	if err := json.Unmarshal(raw, &tf); err != nil || tf.AccessToken == "" {
		f.log.Printf("onelogin: ignoring a malformed token cache file %s", path)
		return nil
	}
	if tf.API != f.cfg.base.String() || tf.ClientID != f.cfg.clientID {
		return nil
	}
	if !f.p.now().Add(tokenMargin).Before(tf.ExpiresAt) {
		f.log.Printf("onelogin: the cached API token has expired")
		return nil
	}
	f.secrets = append(f.secrets, tf.AccessToken)
	return &token{value: tf.AccessToken, expires: tf.ExpiresAt, cached: true}
}

// fetchToken asks for a new token with the client credentials.
func (f *flow) fetchToken(ctx context.Context) (*token, error) {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(f.cfg.clientID+":"+f.cfg.clientSecret))
	a, err := f.post(ctx, pathToken, basic, tokenRequest{GrantType: "client_credentials"})
	if err != nil {
		return nil, err
	}
	switch {
	case a.status == http.StatusUnauthorized || a.status == http.StatusForbidden:
		return nil, &provider.ServiceError{
			What: fmt.Sprintf("OneLogin rejected the API credentials (client_id %s)", f.cfg.clientID),
			Hint: "check client_id and client_secret (or " + EnvClientSecret + "); in OneLogin admin, Developers → API Credentials, " +
				"create a credential with scope \"Authentication Only\" and use its client id and secret",
		}
	case a.status == http.StatusTooManyRequests:
		return nil, f.rateLimited(a)
	case a.status != http.StatusOK:
		return nil, f.unexpected(a, "no API access token")
	}
	var ta tokenAnswer
	if err := json.Unmarshal(a.raw, &ta); err != nil || ta.AccessToken == "" {
		return nil, &provider.UnexpectedPageError{Hint: olHint, URL: httpx.Redact(a.url), Status: a.status, What: "the answer holds no access_token"}
	}
	f.secrets = append(f.secrets, ta.AccessToken)
	t := &token{value: ta.AccessToken}
	if ta.ExpiresIn > 0 {
		t.expires = f.p.now().Add(time.Duration(ta.ExpiresIn) * time.Second)
	}
	f.log.Printf("onelogin: got an API token for client_id %s, valid %ds", f.cfg.clientID, ta.ExpiresIn)
	return t, nil
}
