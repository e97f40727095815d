package keyring

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/keyring"
)

// fakeBackend is a 99designs keyring whose calls can hang. Its map is not
// locked on purpose: the race detector then checks that Store serialises
// calls.
type fakeBackend struct {
	items   map[string][]byte
	hang    chan struct{} // set before use; while open, every call blocks
	calls   map[string]int
	callsMu sync.Mutex // read by the test while a leaked call may still run
	err     error      // returned by Get when set
}

func newFake() *fakeBackend {
	return &fakeBackend{items: map[string][]byte{}, calls: map[string]int{}}
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

func (f *fakeBackend) Get(key string) (keyring.Item, error) {
	f.record("get")
	if f.err != nil {
		return keyring.Item{}, f.err
	}
	d, ok := f.items[key]
	if !ok {
		return keyring.Item{}, keyring.ErrKeyNotFound
	}
	return keyring.Item{Key: key, Data: d}, nil
}

func (f *fakeBackend) GetMetadata(string) (keyring.Metadata, error) {
	return keyring.Metadata{}, keyring.ErrMetadataNotSupported
}

func (f *fakeBackend) Set(i keyring.Item) error {
	f.record("set")
	f.items[i.Key] = i.Data
	return nil
}

func (f *fakeBackend) Remove(key string) error {
	f.record("remove")
	if _, ok := f.items[key]; !ok {
		return keyring.ErrKeyNotFound
	}
	delete(f.items, key)
	return nil
}

func (f *fakeBackend) Keys() ([]string, error) { return nil, nil }

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

	if _, err := s.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) || errors.Is(err, keyring.ErrKeyNotFound) {
		t.Errorf("Get missing = %v, want ErrNotFound (and not the 99designs error)", err)
	}
	if err := s.Remove(ctx, "missing"); err != nil {
		t.Errorf("Remove missing = %v, want nil", err)
	}

	// A hand-written pass entry holds the password in clear; the JSON error
	// quoting its first byte must not reach the message.
	var syntax *json.SyntaxError
	fake.err = json.Unmarshal([]byte("hunter2"), new(any))
	if !errors.As(fake.err, &syntax) || !strings.Contains(fake.err.Error(), "'h'") {
		t.Fatalf("test premise: %v should quote the first byte", fake.err)
	}
	_, err := s.Get(ctx, "k")
	if err == nil || strings.Contains(err.Error(), "'h'") || !strings.Contains(err.Error(), "not in the format") {
		t.Errorf("Get on a foreign entry = %v", err)
	}

	fake.err = errors.New("exit status 2")
	_, err = s.Get(ctx, "corp/alice")
	var kerr *Error
	if !errors.As(err, &kerr) || err.Error() != "keyring pass: read corp/alice: exit status 2" || !strings.Contains(kerr.Hint, "pass show") {
		t.Errorf("Get = %v (hint %q)", err, kerr.Hint)
	}
}

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
