package doctor

import (
	"fmt"

	"github.com/awsfed/awsfed/internal/cache"
	"github.com/awsfed/awsfed/internal/cmd/cmdutil"
	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
	"github.com/awsfed/awsfed/internal/shellenv"
)

// checkRejected names each record of a password the IdP rejected for an
// account's user: awsfed will not send that password again, which looks
// like a sign-in that fails for no reason once the IdP account is
// unlocked. Nothing is said when there is no record.
func checkRejected(getenv func(string) string, logins []*config.Login) []Result {
	dir, err := cache.Dir(getenv)
	if err != nil {
		return nil // the cache check says so
	}
	var rs []Result
	seen := map[string]bool{}
	for _, l := range logins {
		l = l.Root()
		origin := httpx.OriginOf(l.URL)
		if l.Username == "" || seen[l.Username+" "+origin] {
			continue
		}
		seen[l.Username+" "+origin] = true
		last, n, file, ok := cmdutil.RejectedOnRecord(dir, l)
		if !ok {
			continue
		}
		rs = append(rs, warn("idp "+l.IdPName, "rejected password",
			fmt.Sprintf("the IdP at %s rejected %d password(s) of %s, the last on %s UTC (%s): awsfed will not send those again", origin, n, l.Username, last.UTC().Format("2006-01-02 15:04"), file),
			fmt.Sprintf("sign in with the current password (awsfed login %s); once the IdP account is unlocked or its password reset, rm %s", l.Account, shellenv.Quote(file))))
	}
	return rs
}
