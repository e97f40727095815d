package cmdutil

import (
	"time"

	"github.com/awsfed/awsfed/internal/config"
	"github.com/awsfed/awsfed/internal/httpx"
)

// RejectedOnRecord says whether a rejected password of l's user at l's
// origin is on record in the cache directory dir: when the IdP last
// rejected one, how many are kept, and the record's file. It checks no
// password against the record: `awsfed doctor` only names it.
func RejectedOnRecord(dir string, l *config.Login) (last time.Time, n int, file string, ok bool) {
	r := &rejections{dir: dir, user: l.Username, origin: httpx.OriginOf(l.URL)}
	rf, err := r.read()
	if err != nil || rf == nil || len(rf.Rejected) == 0 {
		return time.Time{}, 0, "", false
	}
	return rf.Rejected[len(rf.Rejected)-1].At, len(rf.Rejected), r.path(), true
}
