package signin

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/lockedfile"
	"github.com/awsfed/awsfed/internal/saml"
)

// AliasTimeout bounds the wait for AWS's role-selection page: account
// names are a nicety, and a picker must not hang on them.
const AliasTimeout = 4 * time.Second

// AliasLife is how long cached account aliases are shown without asking
// AWS again.
const AliasLife = 24 * time.Hour

const maxRolePage = 2 << 20

// ACS is where a browser would post the assertion: the sign-in service of
// signinEndpoint when one is configured (its /saml), else the assertion's
// Destination when it is one of AWS's, else AWS's global one.
func ACS(a *saml.Assertion, signinEndpoint string) string {
	if signinEndpoint != "" {
		if u, err := url.Parse(signinEndpoint); err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host + "/saml"
		}
	}
	if awsACS().MatchString(a.Destination) {
		return a.Destination
	}
	return "https://signin.aws.amazon.com/saml"
}

var awsACS = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^https://(?:[a-z0-9-]+\.)?signin\.aws\.amazon\.com/saml$|^https://signin\.amazonaws-us-gov\.com/saml$|^https://signin\.amazonaws\.cn/saml$`)
})

// FetchAliases posts the assertion to acs, as a browser does, and reads the
// accounts' aliases (account ID → alias) from the role-selection page. hc
// must follow no redirect: AWS skips the page for a single role. Any
// failure is an error for the caller to ignore: the role ARNs are enough.
func FetchAliases(ctx context.Context, hc *http.Client, acs string, a *saml.Assertion) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(httpx.WithSecret(ctx, "the SAML assertion"), AliasTimeout)
	defer cancel()
	form := url.Values{"SAMLResponse": {a.Response}, "RelayState": {""}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, acs, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the role-selection page answered HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRolePage))
	if err != nil {
		return nil, err
	}
	return ParseRolePage(body)
}

// AccountNames returns the aliases of the accounts a grants roles in: from
// ac when it knows them all, else from AWS's role-selection page at the
// ACS (see ACS; client builds the HTTP client for it), which refreshes ac.
// Any failure leaves names out, said only on d: account IDs serve.
func AccountNames(ctx context.Context, ac *AliasCache, a *saml.Assertion, signinEndpoint string, client func(acs string) (*http.Client, error), d *debug.Logger) map[string]string {
	var ids []string
	for _, r := range a.Roles {
		ids = append(ids, r.Account())
	}
	if ac.Fresh(ids) {
		return ac.Names()
	}
	acs := ACS(a, signinEndpoint)
	hc, err := client(acs)
	if err != nil {
		d.Printf("account aliases: %v", err)
		return ac.Names()
	}
	aliases, err := FetchAliases(ctx, hc, acs, a)
	if err != nil {
		d.Printf("account aliases from %s: %v (account IDs shown)", httpx.RedactString(acs), err)
		return ac.Names()
	}
	if err := ac.Put(ctx, ids, aliases); err != nil {
		d.Printf("account aliases: %v", err)
	}
	return aliases
}

// accountNameRE reads "alias (123456789012)" or a bare "123456789012",
// after an optional "Account: ".
var accountNameRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:Account:\s*)?(?:(.+?)\s*\((\d{12})\)|(\d{12}))$`)
})

// ParseRolePage reads the accounts' aliases from AWS's role-selection
// page, in either layout: the newer one carries base64 JSON in
// <meta name="data"> ({"roles_accounts": {"alias (id)": [role ARNs]}}), the
// older one names each account in div.saml-account-name. An account shown
// without an alias is left out.
func ParseRolePage(page []byte) (map[string]string, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	aliases := map[string]string{}
	add := func(text string) {
		m := accountNameRE().FindStringSubmatch(strings.Join(strings.Fields(text), " "))
		if m != nil && m[1] != "" {
			aliases[m[2]] = m[1]
		}
	}
	var data string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.Data == "meta" && attr(n, "name") == "data":
				data = attr(n, "content")
			case n.Data == "div" && hasClass(n, "saml-account-name"):
				add(text(n))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if data != "" {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(data))
		if err != nil {
			return nil, errors.New("the role-selection page's data is not base64")
		}
		var d struct {
			RolesAccounts map[string]json.RawMessage `json:"roles_accounts"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, errors.New("the role-selection page's data is not the JSON awsfed knows")
		}
		for name := range d.RolesAccounts {
			add(name)
		}
	}
	if len(aliases) == 0 && data == "" && !bytes.Contains(page, []byte("saml-account")) {
		return nil, errors.New("no role-selection page (AWS may have changed it)")
	}
	return aliases, nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attr(n, "class")+" ", " "+class+" ")
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// AliasCache keeps account aliases for AliasLife in one file of awsfed's
// cache directory, so that pickers show names without waiting for AWS.
// Aliases are not secret; the file is 0600 all the same, as the directory.
type AliasCache struct {
	Dir string
	Now func() time.Time
}

type aliasFile struct {
	Aliases map[string]aliasEntry `json:"aliases"`
}

type aliasEntry struct {
	Alias string    `json:"alias"`
	Seen  time.Time `json:"seen"`
}

func (c *AliasCache) path() string { return filepath.Join(c.Dir, "account-aliases") }

func (c *AliasCache) read() aliasFile {
	var f aliasFile
	if data, err := os.ReadFile(c.path()); err == nil {
		_ = json.Unmarshal(data, &f)
	}
	if f.Aliases == nil {
		f.Aliases = map[string]aliasEntry{}
	}
	return f
}

// Names returns the cached aliases younger than AliasLife.
func (c *AliasCache) Names() map[string]string {
	out := map[string]string{}
	if c == nil || c.Dir == "" {
		return out
	}
	now := c.Now()
	for id, e := range c.read().Aliases {
		if now.Sub(e.Seen) < AliasLife {
			out[id] = e.Alias
		}
	}
	return out
}

// Fresh reports whether every one of accounts has an alias younger than
// AliasLife (so that AWS need not be asked).
func (c *AliasCache) Fresh(accounts []string) bool {
	names := c.Names()
	for _, id := range accounts {
		if _, ok := names[id]; !ok {
			return false
		}
	}
	return true
}

// Put records aliases, and that the accounts of ids without one have none.
func (c *AliasCache) Put(ctx context.Context, ids []string, aliases map[string]string) error {
	if c == nil || c.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	lock, err := lockedfile.Acquire(ctx, c.path()+".lock", 5*time.Second)
	if err != nil {
		return err
	}
	defer lock.Release()
	f := c.read()
	now := c.Now()
	for _, id := range ids {
		f.Aliases[id] = aliasEntry{Alias: aliases[id], Seen: now}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return lock.WriteAtomic(c.path(), append(data, '\n'), nil, 0o600)
}
