package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"
)

// BenchmarkBrowserSilentRefresh measures what credential_process costs a
// browser user while the IdP session lives: `awsfed credential-process dev`
// with no cached keys and no display, against SimpleSAMLphp and the sandbox
// STS, after one sign-in in a window. Besides the wall time it reports the
// parts, read from --debug: the headless browser's start, the IdP round
// trips until the SAMLResponse was caught, closing the browser, and the
// rest (process start, configuration, STS AssumeRoleWithSAML, cache and
// cookie files). scripts/bench-browser-refresh.sh runs it.
func BenchmarkBrowserSilentRefresh(b *testing.B) {
	live := requireBrowserLive(b)
	h := live.home(b, "")
	h.setenv("DISPLAY", live.display)
	first := signInInTheWindow(b, live, h)
	b.Logf("first login (window, typed with xdotool): %v", first.Round(time.Millisecond))
	h.unsetenv("DISPLAY")
	posts := live.passwordPosts(b)

	var wall, start, idp, closing []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := os.RemoveAll(filepath.Join(h.dir, ".cache", "awsfed")); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(env.bin, "--debug", "credential-process", "dev")
		cmd.Env = h.env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		b.StartTimer()
		t0 := time.Now()
		err := cmd.Run()
		w := time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatalf("credential-process: %v\n%s", err, stderr.String())
		}
		wall = append(wall, w)
		start = append(start, debugDuration(b, stderr.Bytes(), `browser: started \S+ \(headless\) in (\S+)`))
		caught := debugDuration(b, stderr.Bytes(), `browser: silent sign-in: got the SAMLResponse after (\S+)`)
		idp = append(idp, caught-start[len(start)-1])
		closing = append(closing, debugDuration(b, stderr.Bytes(), `browser: closed \(headless\) in (\S+)`))
		if i == b.N-1 {
			b.Logf("--debug of the last run:\n%s", stderr.String())
		}
		b.StartTimer()
	}
	b.StopTimer()
	if n := live.passwordPosts(b); n != posts {
		b.Fatalf("%d password POSTs during the silent refreshes", n-posts)
	}
	ms := func(ds []time.Duration) float64 { return float64(median(ds)) / float64(time.Millisecond) }
	rest := make([]time.Duration, len(wall))
	for i := range wall {
		rest[i] = wall[i] - start[i] - idp[i] - closing[i]
	}
	b.ReportMetric(ms(wall), "wall-ms")
	b.ReportMetric(ms(start), "browser-start-ms")
	b.ReportMetric(ms(idp), "idp-ms")
	b.ReportMetric(ms(closing), "browser-close-ms")
	b.ReportMetric(ms(rest), "rest-ms")
}

// debugDuration reads one duration out of awsfed's --debug output.
func debugDuration(b *testing.B, out []byte, pattern string) time.Duration {
	b.Helper()
	m := regexp.MustCompile(pattern).FindSubmatch(out)
	if m == nil {
		b.Fatalf("no %q in --debug output:\n%s", pattern, out)
	}
	d, err := time.ParseDuration(string(m[1]))
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
