package keyring

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBackend is a backend whose calls can hang. Its map is not locked on
// purpose: the race detector then checks that Store serialises calls.
type fakeBackend struct {
	items   map[string]string
	hang    chan struct{} // set before use; while open, every call blocks
	calls   map[string]int
	callsMu sync.Mutex // read by the test while a leaked call may still run
	err     error      // returned by get when set
}

func newFake() *fakeBackend {
	return &fakeBackend{items: map[string]string{}, calls: map[string]int{}}
}

func (f *fakeBackend) record(op string) {
	f.callsMu.Lock()
	f.calls[op]++
	f.callsMu.Unlock()
	if f.hang != nil {
		<-f.hang
	}
}

func (f *fakeBackend) count(op string) int {
	f.callsMu.Lock()
	defer f.callsMu.Unlock()
	return f.calls[op]
}

func (f *fakeBackend) get(_ context.Context, key string) (string, error) {
	f.record("get")
	if f.err != nil {
		return "", f.err
	}
	d, ok := f.items[key]
	if !ok {
		return "", ErrNotFound
	}
	return d, nil
}

func (f *fakeBackend) set(_ context.Context, key, secret string) error {
	f.record("set")
	f.items[key] = secret
	return nil
}

func (f *fakeBackend) remove(_ context.Context, key string) error {
	f.record("remove")
	if _, ok := f.items[key]; !ok {
		return ErrNotFound
	}
	delete(f.items, key)
	return nil
}

func TestTimeout(t *testing.T) {
	fake := newFake()
	fake.hang = make(chan struct{})
	t.Cleanup(func() { close(fake.hang) })
	const limit = 200 * time.Millisecond
	s := newStore(BackendSecretService, fake, Config{Timeout: limit})

	start := time.Now()
	_, err := s.Get(context.Background(), "corp/alice")
	took := time.Since(start)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Get on a hung backend = %v, want ErrTimeout", err)
	}
	if took < limit || took > limit+2*time.Second {
		t.Errorf("gave up after %s, want about %s", took, limit)
	}
	want := "keyring secret-service did not answer within 200ms"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want prefix %q", err, want)
	}
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Backend != BackendSecretService || !strings.Contains(kerr.Hint, "unlock") {
		t.Errorf("error %#v: want an *Error with the backend and an unlock hint", err)
	}

	// A call queued behind the hung one times out too and, its caller gone,
	// never reaches the backend: a "failed" Set must not land later.
	if err := s.Set(context.Background(), "corp/alice", "pw"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Set behind a hung call = %v, want ErrTimeout", err)
	}
}

func TestTimeoutSkipsAbandonedCalls(t *testing.T) {
	fake := newFake()
	release := make(chan struct{})
	fake.hang = release
	s := newStore(BackendPass, fake, Config{Timeout: 100 * time.Millisecond})

	if _, err := s.Get(context.Background(), "k"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Get = %v, want ErrTimeout", err)
	}
	if err := s.Set(context.Background(), "k", "v"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Set = %v, want ErrTimeout", err)
	}
	close(release)
	// Let the leaked Get finish and the queued Set goroutine take the lock.
	time.Sleep(200 * time.Millisecond)
	if n := fake.count("set"); n != 0 {
		t.Errorf("abandoned Set reached the backend %d times", n)
	}
}

func TestContextCancel(t *testing.T) {
	fake := newFake()
	fake.hang = make(chan struct{})
	t.Cleanup(func() { close(fake.hang) })
	s := newStore(BackendKeychain, fake, Config{Timeout: time.Minute})

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := s.Set(ctx, "k", "v")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Set = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %s to end the wait", took)
	}
	if !strings.Contains(err.Error(), "keyring keychain") {
		t.Errorf("message %q should name the backend", err)
	}
	// An already cancelled context does not even start a call.
	if err := s.Remove(ctx, "k"); !errors.Is(err, context.Canceled) {
		t.Errorf("Remove with a cancelled ctx = %v", err)
	}
	if n := fake.count("remove"); n != 0 {
		t.Errorf("Remove reached the backend with a cancelled ctx")
	}
}

func TestStoreErrors(t *testing.T) {
	ctx := context.Background()
	fake := newFake()
	s := newStore(BackendPass, fake, Config{})

	_, err := s.Get(ctx, "corp/missing")
	var kerr *Error
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &kerr) || err.Error() != "keyring pass: read corp/missing: not in the keyring" || kerr.Hint != "" {
		t.Errorf("Get missing = %v, want a plain ErrNotFound naming backend and key", err)
	}
	if err := s.Remove(ctx, "missing"); err != nil {
		t.Errorf("Remove missing = %v, want nil", err)
	}

	fake.err = errors.New("exit status 2")
	_, err = s.Get(ctx, "corp/alice")
	if !errors.As(err, &kerr) || err.Error() != "keyring pass: read corp/alice: exit status 2" || !strings.Contains(kerr.Hint, "pass show") {
		t.Errorf("Get = %v (hint %q)", err, kerr.Hint)
	}

	// A backend's own *Error keeps its words and hint and gets the rest.
	fake.err = &Error{Err: errors.New("the keyring is locked"), Hint: "unlock it"}
	_, err = s.Get(ctx, "corp/alice")
	if !errors.As(err, &kerr) || err.Error() != "keyring pass: read corp/alice: the keyring is locked" || kerr.Hint != "unlock it" {
		t.Errorf("Get = %v (hint %q)", err, kerr.Hint)
	}
}

// TestCallContextEnds checks that a call the caller gave up on sees its
// context cancelled, which is what kills pass or closes D-Bus.
func TestCallContextEnds(t *testing.T) {
	ended := make(chan struct{})
	b := &ctxBackend{ended: ended}
	s := newStore(BackendPass, b, Config{Timeout: 50 * time.Millisecond})
	if _, err := s.Get(context.Background(), "k"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Get = %v, want ErrTimeout", err)
	}
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("the abandoned call's context was never cancelled")
	}
}

// ctxBackend blocks each call until its context ends.
type ctxBackend struct{ ended chan struct{} }

func (b *ctxBackend) get(ctx context.Context, _ string) (string, error) {
	<-ctx.Done()
	close(b.ended)
	return "", ctx.Err()
}
func (b *ctxBackend) set(context.Context, string, string) error { return nil }
func (b *ctxBackend) remove(context.Context, string) error      { return nil }

// TestConcurrentUse runs under -race: the fake's map is unlocked, so
// overlapping backend calls would be reported.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := newStore(BackendWinCred, newFake(), Config{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			key := Key("idp", string(rune('a'+i)))
			for range 20 {
				if err := s.Set(ctx, key, key); err != nil {
					t.Error(err)
				}
				if got, err := s.Get(ctx, key); err != nil || got != key {
					t.Errorf("Get %s = %q, %v", key, got, err)
				}
				if err := s.Remove(ctx, key); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
