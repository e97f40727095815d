package sandbox

import (
	"sync"
	"testing"
)

// Requests that redeem one response at once (a login for many accounts)
// verify its signature once between them; a response that fails is not
// remembered, so every later request verifies it again.
func TestResponseVerifiedOnceForRequestsAtOnce(t *testing.T) {
	s := start(t, Options{})
	resp, err := s.IssueResponse(ResponseOptions{User: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	now := s.now()
	verifyAtOnce := func(b64 string) (failed int) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 20 {
			wg.Go(func() {
				if a, _, err := s.verified(b64, s.Cert, now); err != nil || a == nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return failed
	}
	if failed := verifyAtOnce(resp); failed != 0 || s.verifiedCache.runs != 1 {
		t.Errorf("%d of 20 failed, %d verifications, want 0 and 1", failed, s.verifiedCache.runs)
	}
	bad := resp[:len(resp)/2] + "A" + resp[len(resp)/2+1:]
	if bad == resp {
		bad = resp[:len(resp)/2] + "B" + resp[len(resp)/2+1:]
	}
	runs := s.verifiedCache.runs
	if failed := verifyAtOnce(bad); failed != 20 {
		t.Errorf("a tampered response passed %d times", 20-failed)
	}
	if _, _, err := s.verified(bad, s.Cert, now); err == nil || s.verifiedCache.runs <= runs+1 {
		t.Errorf("a failed verification was kept: %v, %d runs", err, s.verifiedCache.runs-runs)
	}
}
