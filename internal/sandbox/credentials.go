package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"sync"
	"time"
)

// issued is one set of temporary keys the STS handed out.
type issued struct {
	secret, token string
	expires       time.Time
	arn, userID   string
	account       string
	// chained says the keys came from AssumeRole with another role's keys:
	// their sessions are capped at 1h, and the federation endpoint refuses
	// a SessionDuration for them.
	chained bool
}

// credStore remembers issued keys so that GetCallerIdentity can check them.
type credStore struct {
	mu    sync.Mutex
	keys  map[string]issued // by access key ID
	swept time.Time         // when long-expired keys were last forgotten
}

func newCredStore() *credStore { return &credStore{keys: map[string]issued{}} }

// forgetAfter keeps expired keys known for a while: AWS says "expired", not
// "invalid", for keys it issued.
const forgetAfter = 24 * time.Hour

// sweepEvery spaces the searches for keys to forget: one per issue made
// every issue cost time in proportion to all the keys issued so far, which
// a benchmark of thousands of logins against one sandbox would measure.
const sweepEvery = 10 * time.Minute

func (c *credStore) add(akid string, i issued, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.swept) >= sweepEvery || now.Before(c.swept) {
		c.swept = now
		for k, old := range c.keys {
			if now.Sub(old.expires) > forgetAfter {
				delete(c.keys, k)
			}
		}
	}
	c.keys[akid] = i
}

func (c *credStore) get(akid string) (issued, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.keys[akid]
	return i, ok
}

// newAccessKeyID looks like a temporary key: ASIA and 16 of [A-Z2-7].
func newAccessKeyID() string {
	return "ASIA" + rand.Text()[:16]
}

// newSecretKey has the 40 characters of AWS's secret keys.
func newSecretKey() string {
	b := make([]byte, 30)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// newSessionToken is long and opaque, as AWS's are.
func newSessionToken() string {
	b := make([]byte, 300)
	rand.Read(b)
	return "IQoJb3JpZ2luX2Vj" + base64.StdEncoding.EncodeToString(b)
}

// roleID is a role's stable unique ID (AROA…), derived from its ARN.
func roleID(roleARN string) string {
	sum := sha256.Sum256([]byte(roleARN))
	return "AROA" + strings.ToUpper(base32.StdEncoding.EncodeToString(sum[:]))[:17]
}
