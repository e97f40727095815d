package signin

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/awsfed/awsfed/internal/prompt"
	"github.com/awsfed/awsfed/internal/saml"
)

// Account is one account of a sign-in that may serve several: every
// account of one IdP is served by the same assertion.
type Account struct {
	Options Options
	// Fresh returns cached keys that are still good enough; nil = none.
	Fresh func() (*Session, bool)
	// Keep stores new keys (awsfed's cache); nil keeps nothing.
	Keep func(*Session) error
	// Source is the account whose keys a chained account assumes its role
	// with (Options.Login.Source); it need not be among those asked for.
	Source *Account
}

// Outcome is what one account got.
type Outcome struct {
	Account *Account
	Session *Session
	Cached  bool // from Fresh, not from this sign-in
	Err     error
}

// Many gets keys for every account: cached ones where Fresh has them, else
// from one assertion — assert runs at most once, and only when an account
// needs it — redeemed for all roles at once, well within the assertion's
// five minutes; chained accounts assume their role with their source's
// keys. One account failing does not stop the others. Progress lines are
// left out (they would interleave); notes go to each account's Options.Err,
// one whole line at a time.
func Many(ctx context.Context, accounts []*Account, assert func(context.Context) (*saml.Assertion, error)) []Outcome {
	m := &many{assert: assert, done: map[string]*pending{}, ask: &lockedPrompter{}}
	out := make([]Outcome, len(accounts))
	var wg sync.WaitGroup
	for i, a := range accounts {
		wg.Go(func() {
			s, cached, err := m.get(ctx, a)
			out[i] = Outcome{Account: a, Session: s, Cached: cached, Err: err}
		})
	}
	wg.Wait()
	return out
}

type many struct {
	assert func(context.Context) (*saml.Assertion, error)

	assertOnce sync.Once
	assertion  *saml.Assertion
	assertErr  error

	mu sync.Mutex
	// done is by account name: an account asked for and the source of
	// another (or of two) is signed in for once.
	done map[string]*pending
	ask  *lockedPrompter
	errs syncWriter
}

type pending struct {
	once    sync.Once
	s       *Session
	cached  bool
	err     error
	account *Account
}

// get runs an account's work once, however many others depend on it.
func (m *many) get(ctx context.Context, a *Account) (*Session, bool, error) {
	m.mu.Lock()
	p, ok := m.done[a.Options.Login.Account]
	if !ok {
		p = &pending{account: a}
		m.done[a.Options.Login.Account] = p
	}
	m.mu.Unlock()
	p.once.Do(func() { p.s, p.cached, p.err = m.run(ctx, p.account) })
	return p.s, p.cached, p.err
}

func (m *many) run(ctx context.Context, a *Account) (*Session, bool, error) {
	if a.Fresh != nil {
		if s, ok := a.Fresh(); ok {
			return s, true, nil
		}
	}
	o := a.Options
	o.defaults()
	o.quiet = true
	o.Err = m.errs.to(o.Err)
	o.Prompt = m.ask.wrap(o.Prompt)
	var s *Session
	var err error
	if a.Source != nil {
		src, _, serr := m.get(ctx, a.Source)
		if serr != nil {
			return nil, false, fmt.Errorf("source account %s: %w", a.Source.Options.Login.Account, serr)
		}
		s, err = Chain(ctx, o, src)
	} else {
		m.assertOnce.Do(func() { m.assertion, m.assertErr = m.assert(ctx) })
		if m.assertErr != nil {
			return nil, false, m.assertErr
		}
		s, err = Redeem(ctx, o, m.assertion)
	}
	if err != nil {
		return nil, false, err
	}
	if a.Keep != nil {
		if kerr := a.Keep(s); kerr != nil {
			o.Debug.Printf("cache: account %s: %v", o.Login.Account, kerr)
		}
	}
	return s, false, nil
}

// syncWriter serialises whole writes of several goroutines to the writers
// they share.
type syncWriter struct{ mu sync.Mutex }

func (sw *syncWriter) to(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return writerFunc(func(p []byte) (int, error) {
		sw.mu.Lock()
		defer sw.mu.Unlock()
		return w.Write(p)
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// lockedPrompter asks one question at a time: accounts whose role is
// ambiguous may ask at once.
type lockedPrompter struct{ mu sync.Mutex }

func (l *lockedPrompter) wrap(p prompt.Prompter) prompt.Prompter {
	if p == nil {
		return nil
	}
	return &oneAtATime{mu: &l.mu, p: p}
}

type oneAtATime struct {
	mu *sync.Mutex
	p  prompt.Prompter
}

func (o *oneAtATime) Input(ctx context.Context, label, def string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.p.Input(ctx, label, def)
}

func (o *oneAtATime) Password(ctx context.Context, label string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.p.Password(ctx, label)
}

func (o *oneAtATime) Select(ctx context.Context, label string, options []string) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.p.Select(ctx, label, options)
}

func (o *oneAtATime) Wait(ctx context.Context, label string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.p.Wait(ctx, label)
}

// AccountError is one account's failure in a sign-in for several.
type AccountError struct {
	Account string
	Err     error
}

// BatchError says which accounts of a sign-in for several failed; each
// has had its result line. The exit code is the worst of theirs.
type BatchError struct {
	Failed []AccountError
	Of     int
}

func (e *BatchError) Error() string {
	names := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		names[i] = f.Account
	}
	return fmt.Sprintf("%d of %d accounts failed: %s", len(e.Failed), e.Of, strings.Join(names, ", "))
}
