package vro

import (
	"context"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsfed/awsfed/internal/debug"
	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/provider"
	"github.com/awsfed/awsfed/internal/provider/vro/vrotest"
)

// testSAML is what the strict fake hands out unless told otherwise.
const testSAML = vrotest.Placeholder

// newFake starts the strict fake vRO with one user, user (password pw),
// unless opts names users; the test fails when the provider sent it
// anything a real vRO would refuse or a careful client must not send.
func newFake(t *testing.T, user, pw string, opts vrotest.Options) *vrotest.Server {
	t.Helper()
	if opts.Users == nil {
		opts.Users = map[string]string{user: pw}
	}
	f := vrotest.New(opts)
	t.Cleanup(func() {
		f.Close()
		for _, v := range f.Violations() {
			t.Errorf("fake vRO: %s", v)
		}
	})
	return f
}

// fakeClock advances only when the provider sleeps.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func testProvider() (*Provider, *fakeClock) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	return &Provider{sleep: c.sleep, now: c.now}, c
}

// input returns an Input for the fake's default workflow whose Password
// answers pw and counts its calls.
func input(url, user, pw string, settings map[string]string, calls *atomic.Int32, log io.Writer) *provider.Input {
	if settings == nil {
		settings = map[string]string{}
	}
	if _, ok := settings[SettingWorkflowID]; !ok {
		settings[SettingWorkflowID] = vrotest.DefaultWorkflowID
	}
	return &provider.Input{
		IdP: "test", URL: url, Username: user, Settings: settings,
		Password: func(context.Context) (string, error) {
			calls.Add(1)
			return pw, nil
		},
		HTTP:   &http.Client{},
		Prompt: &prompt.Stub{},
		Debug:  debug.New(log),
	}
}
