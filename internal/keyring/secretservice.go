package keyring

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

// The Secret Service API (freedesktop.org), as GNOME Keyring and KeePassXC
// serve it on the session bus.
const (
	ssName       = "org.freedesktop.secrets"
	ssPath       = dbus.ObjectPath("/org/freedesktop/secrets")
	ssService    = "org.freedesktop.Secret.Service"
	ssCollection = "org.freedesktop.Secret.Collection"
	ssItem       = "org.freedesktop.Secret.Item"
	ssPrompt     = "org.freedesktop.Secret.Prompt"
	// ssLogin is GNOME's login keyring, unlocked at login: the collection
	// to use when no default is set. A collection of our own would make
	// GNOME Keyring ask the user to invent a password for it.
	ssLogin = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")
	// noPrompt is what a call returns when it needs no prompt.
	noPrompt = dbus.ObjectPath("/")
)

// ssSecret is the API's Secret struct, (oayays).
type ssSecret struct {
	Session     dbus.ObjectPath
	Parameters  []byte
	Value       []byte
	ContentType string
}

// secretServiceBackend talks D-Bus itself rather than through a library
// that dials the bus at init: it connects only to the address awsfed was
// given, so nothing is ever launched, and only while a call runs.
type secretServiceBackend struct {
	addr string
}

// ssConn is one connection with a session open on it; closing the
// connection ends the session.
type ssConn struct {
	conn    *dbus.Conn
	session dbus.ObjectPath
}

func (b *secretServiceBackend) connect(ctx context.Context) (*ssConn, error) {
	// The connection closes itself when ctx ends, which unblocks any call.
	conn, err := dbus.Dial(b.addr, dbus.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("connect to the D-Bus session bus: %w", err)
	}
	if err := conn.Auth(nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("authenticate on the D-Bus session bus: %w", err)
	}
	if err := conn.Hello(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("register on the D-Bus session bus: %w", err)
	}
	c := &ssConn{conn: conn}
	var out dbus.Variant
	// "plain" sends the secret unencrypted over the local bus socket, which
	// only this user can reach; the daemon and awsfed hold it in clear
	// anyway.
	err = c.service().CallWithContext(ctx, ssService+".OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&out, &c.session)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("open a Secret Service session: %w", err)
	}
	return c, nil
}

func (c *ssConn) close() { c.conn.Close() }

func (c *ssConn) service() dbus.BusObject { return c.conn.Object(ssName, ssPath) }

func (c *ssConn) object(path dbus.ObjectPath) dbus.BusObject { return c.conn.Object(ssName, path) }

func attributes(key string) map[string]string {
	return map[string]string{"service": serviceName, "key": key}
}

// find returns the items stored under key in any collection, unlocking
// them if need be.
func (c *ssConn) find(ctx context.Context, key string) ([]dbus.ObjectPath, error) {
	var unlocked, locked []dbus.ObjectPath
	if err := c.service().CallWithContext(ctx, ssService+".SearchItems", 0, attributes(key)).Store(&unlocked, &locked); err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	if len(locked) > 0 {
		if err := c.unlock(ctx, locked); err != nil {
			return nil, err
		}
		unlocked = append(unlocked, locked...)
	}
	if len(unlocked) == 0 {
		return nil, ErrNotFound
	}
	return unlocked, nil
}

// unlock asks the service to unlock objects. When that needs the user, the
// service's dialog is shown and awaited until ctx ends, which the guard
// does at the time limit.
func (c *ssConn) unlock(ctx context.Context, objects []dbus.ObjectPath) error {
	var done []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := c.service().CallWithContext(ctx, ssService+".Unlock", 0, objects).Store(&done, &prompt); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	if prompt == noPrompt {
		return nil
	}
	return c.prompt(ctx, prompt)
}

// errLocked is a fresh error each time: Store.fail fills in its fields.
func errLocked() error {
	return &Error{Err: errors.New("the keyring is locked and was not unlocked"),
		Hint: "unlock your keyring (GNOME: the Passwords and Keys application, or log in again) and run again; or choose another keyring backend (file works everywhere)"}
}

// prompt shows a prompt of the service and waits for its answer.
func (c *ssConn) prompt(ctx context.Context, path dbus.ObjectPath) error {
	match := []dbus.MatchOption{dbus.WithMatchObjectPath(path), dbus.WithMatchInterface(ssPrompt), dbus.WithMatchMember("Completed")}
	if err := c.conn.AddMatchSignalContext(ctx, match...); err != nil {
		return fmt.Errorf("wait for the unlock prompt: %w", err)
	}
	signals := make(chan *dbus.Signal, 4)
	c.conn.Signal(signals)
	defer c.conn.RemoveSignal(signals)
	if err := c.object(path).CallWithContext(ctx, ssPrompt+".Prompt", 0, "").Err; err != nil {
		return fmt.Errorf("show the unlock prompt: %w", err)
	}
	for {
		select {
		case <-ctx.Done():
			return errLocked()
		case sig, ok := <-signals:
			if !ok {
				return errors.New("the D-Bus connection closed while a prompt was open")
			}
			if sig.Path != path || sig.Name != ssPrompt+".Completed" {
				continue
			}
			if len(sig.Body) > 0 {
				if dismissed, _ := sig.Body[0].(bool); dismissed {
					return errLocked()
				}
			}
			return nil
		}
	}
}

// collection is where new items go: the default collection, else login.
func (c *ssConn) collection(ctx context.Context) (dbus.ObjectPath, error) {
	var path dbus.ObjectPath
	if err := c.service().CallWithContext(ctx, ssService+".ReadAlias", 0, "default").Store(&path); err != nil {
		return "", fmt.Errorf("find the default collection: %w", err)
	}
	if path == noPrompt || path == "" {
		path = ssLogin
	}
	locked, err := c.object(path).GetProperty(ssCollection + ".Locked")
	if err != nil {
		return "", fmt.Errorf("open the collection %s: %w", path, err)
	}
	if l, _ := locked.Value().(bool); l {
		if err := c.unlock(ctx, []dbus.ObjectPath{path}); err != nil {
			return "", err
		}
	}
	return path, nil
}

func (b *secretServiceBackend) get(ctx context.Context, key string) (string, error) {
	c, err := b.connect(ctx)
	if err != nil {
		return "", err
	}
	defer c.close()
	items, err := c.find(ctx, key)
	if err != nil {
		return "", err
	}
	var secret ssSecret
	if err := c.object(items[0]).CallWithContext(ctx, ssItem+".GetSecret", 0, c.session).Store(&secret); err != nil {
		return "", fmt.Errorf("read the item: %w", err)
	}
	return string(secret.Value), nil
}

func (b *secretServiceBackend) set(ctx context.Context, key, secret string) error {
	c, err := b.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	coll, err := c.collection(ctx)
	if err != nil {
		return err
	}
	props := map[string]dbus.Variant{
		ssItem + ".Label":      dbus.MakeVariant(serviceName + "/" + key),
		ssItem + ".Attributes": dbus.MakeVariant(attributes(key)),
	}
	value := ssSecret{Session: c.session, Parameters: []byte{}, Value: []byte(secret), ContentType: "text/plain"}
	var item, prompt dbus.ObjectPath
	// replace = true: an item with the same attributes in this collection
	// is overwritten rather than doubled.
	if err := c.object(coll).CallWithContext(ctx, ssCollection+".CreateItem", 0, props, value, true).Store(&item, &prompt); err != nil {
		return fmt.Errorf("create the item: %w", err)
	}
	if prompt != noPrompt {
		return c.prompt(ctx, prompt)
	}
	return nil
}

func (b *secretServiceBackend) remove(ctx context.Context, key string) error {
	c, err := b.connect(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	items, err := c.find(ctx, key)
	if err != nil {
		return err
	}
	for _, item := range items {
		var prompt dbus.ObjectPath
		if err := c.object(item).CallWithContext(ctx, ssItem+".Delete", 0).Store(&prompt); err != nil {
			return fmt.Errorf("delete the item: %w", err)
		}
		if prompt != noPrompt {
			if err := c.prompt(ctx, prompt); err != nil {
				return err
			}
		}
	}
	return nil
}

func openSecretService(cfg Config) (*Store, error) {
	addr := cfg.env("DBUS_SESSION_BUS_ADDRESS")
	// "autolaunch:" would have us start a bus; a session that has none has
	// no keyring daemon either.
	if addr == "" || strings.HasPrefix(addr, "autolaunch:") {
		return nil, &Error{Backend: BackendSecretService, Op: "open", Err: errors.New("no D-Bus session bus"),
			Hint: "run in a desktop session (DBUS_SESSION_BUS_ADDRESS set), or choose another keyring backend (file works everywhere)"}
	}
	b := &secretServiceBackend{addr: addr}
	s := newStore(BackendSecretService, b, cfg)
	// Opening checks that a service answers, so that the automatic choice
	// can move on to the next backend when none does.
	err := s.g.do(context.Background(), "open", func(ctx context.Context, _ backend) error {
		c, err := b.connect(ctx)
		if err != nil {
			return err
		}
		c.close()
		return nil
	})
	if err != nil {
		return nil, s.fail("open", err)
	}
	return s, nil
}
