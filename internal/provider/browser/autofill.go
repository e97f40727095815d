package browser

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chromedp/chromedp"
)

// fillJS types into the login form the way a person would, as far as the
// page can tell: it sets each value through the native setter (so that
// script frameworks see it) and fires input and change events. It fills
// only empty fields and submits nothing: the user presses the button.
// It returns how many fields it filled.
const fillJS = `((user, pass) => {
  const visible = e => !e.disabled && !e.readOnly && (e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const set = (e, v) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    e.focus(); setter.call(e, v);
    e.dispatchEvent(new Event('input', {bubbles: true}));
    e.dispatchEvent(new Event('change', {bubbles: true}));
  };
  const inputs = [...document.querySelectorAll('input')].filter(visible);
  const pw = inputs.find(e => (e.type || '').toLowerCase() === 'password');
  const textish = e => ['', 'text', 'email', 'tel'].includes((e.getAttribute('type') || '').toLowerCase());
  let u = inputs.find(e => textish(e) && (e.autocomplete === 'username' || e.type === 'email'));
  if (!u) u = inputs.find(e => textish(e) && /user|login|email|mail|name|account|ident/i.test(e.name + ' ' + e.id));
  if (!u) u = inputs.find(e => textish(e) && (!pw || (e.compareDocumentPosition(pw) & Node.DOCUMENT_POSITION_FOLLOWING)));
  let n = 0;
  if (user && u && !u.value) { set(u, user); n++; }
  if (pass && pw && !pw.value) { set(pw, pass); n++; }
  if (pw && n) pw.focus();
  return n;
})`

// password is the stored password for autofill = password, asked for once
// and only when a window opens; "" when there is none (the user types it).
// It is asked before the wait line starts, which holds the terminal.
func (r *signIn) password(ctx context.Context) string {
	if !r.fill.password || r.in.Password == nil {
		return ""
	}
	p, err := r.in.Password(ctx)
	if err != nil {
		r.in.Debug.Printf("browser: autofill: no stored password (%v); type it in the window", err)
		return ""
	}
	return p
}

// autofill waits for the login form in the window and types the configured
// username (and pass, with autofill = password) into it.
func (r *signIn) autofill(ctx context.Context, s *session, pass string) {
	user := ""
	if r.fill.username {
		user = r.in.Username
	}
	if user == "" && pass == "" {
		return
	}
	args, err := json.Marshal([]string{user, pass})
	if err != nil {
		return
	}
	expr := fillJS + "(..." + string(args) + ")"
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.gone():
			return
		case <-tick.C:
		}
		// Let the page's own scripts run first: one that focuses the
		// username field after load would take the focus back.
		if _, quiet, _ := s.where(); quiet < 500*time.Millisecond {
			continue
		}
		st, err := s.state()
		if err != nil || st.Ready != "complete" || st.Fields == 0 {
			continue
		}
		ectx, cancel := context.WithTimeout(s.ctx, 2*time.Second)
		n, err := chromedp.Run(ectx, chromedp.Evaluate[int](expr))
		cancel()
		if err == nil {
			r.in.Debug.Printf("browser: autofill: filled %d field(s)", n)
			return
		}
	}
}
