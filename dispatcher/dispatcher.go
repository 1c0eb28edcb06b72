package dispatcher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Errors a caller can act on (errors.Is).
var (
	ErrInvalid            = errors.New("invalid request")
	ErrUnknownDevice      = errors.New("unknown device")
	ErrNotLoggedIn        = errors.New("device is not logged in")
	ErrUnknownCertificate = errors.New("unknown certificate (business id)")
	ErrDuplicateMessage   = errors.New("message id already used")
	ErrUnknownVendor      = errors.New("unknown vendor")
)

// Dispatcher is the offline-push part of an IM backend. It is safe for
// concurrent use.
type Dispatcher struct {
	certs       map[int]*certEntry
	order       []int // business ids in configuration order
	store       Store
	now         func() time.Time
	sleep       func(context.Context, time.Duration) error
	retry       RetryPolicy
	circuits    map[string]*circuit // by vendor
	sendTimeout time.Duration       // bounds one client Send
	placeholder map[string]string
	seed        uint64
	workers     int
	perConv     bool

	idMu sync.Mutex
	ids  *rand.Rand
}

// certEntry is a certificate with its client, limits and pacer.
type certEntry struct {
	cert   push.Certificate
	client push.Client
	limits Limits
	pace   *bucket // nil = unpaced
	// circuit is the vendor's breaker, shared by its certificates.
	circuit *circuit
}

// New builds a dispatcher: it validates the certificates and builds one
// vendor client per certificate.
func New(cfg Config) (*Dispatcher, error) {
	if err := ValidateCertificates(cfg.Certificates); err != nil {
		return nil, err
	}
	d := &Dispatcher{
		certs:    make(map[int]*certEntry, len(cfg.Certificates)),
		store:    cfg.Store,
		now:      cfg.Now,
		sleep:    cfg.Sleep,
		retry:    cfg.Retry.withDefaults(),
		circuits: map[string]*circuit{},
		seed:     cfg.Seed,
		workers:  cfg.Concurrency,
		perConv:  cfg.NotifyPerConversation,
	}
	if d.store == nil {
		d.store = NewMemoryStore(0)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.sleep == nil {
		d.sleep = sleepReal
	}
	if d.seed == 0 {
		d.seed = uint64(time.Now().UnixNano())
	}
	if d.workers <= 0 {
		d.workers = 16
	}
	d.ids = rand.New(rand.NewPCG(d.seed, d.seed^0x9e3779b97f4a7c15))
	d.placeholder = make(map[string]string, len(DefaultPlaceholders))
	for k, v := range DefaultPlaceholders {
		if cfg.Placeholder != "" {
			v = cfg.Placeholder
		}
		d.placeholder[k] = v
	}
	for k, v := range cfg.Placeholders {
		d.placeholder[k] = v
	}
	opt := push.Options{HTTPClient: cfg.HTTPClient, Now: d.now, Timeout: cfg.Timeout}
	d.sendTimeout = 3*cmp.Or(cfg.Timeout, 10*time.Second) + time.Second
	circuitPolicy := cfg.Circuit.withDefaults()
	for _, c := range cfg.Certificates {
		build := cfg.Clients[c.Vendor]
		if build == nil {
			build = clientBuilders[c.Vendor]
		}
		if build == nil {
			return nil, fmt.Errorf("certificate %d: no client for vendor %q in this build", c.BusinessID, c.Vendor)
		}
		client, err := build(c, opt)
		if err != nil {
			return nil, fmt.Errorf("certificate %d (%s): %w", c.BusinessID, c.Vendor, err)
		}
		lim := vendorTable[c.Vendor]
		if c.Vendor == "vivo" && c.Settings["length_rule"] == "older" {
			lim.Count = CountCJK2 // the app's vivo console counts a CJK character 2
		}
		if o, ok := cfg.Limits[c.Vendor]; ok {
			lim = mergeLimits(lim, o)
		}
		qps := lim.QPS
		if q, ok := cfg.VendorQPS[c.Vendor]; ok && q != 0 {
			qps = q
		}
		if d.circuits[c.Vendor] == nil {
			d.circuits[c.Vendor] = newCircuit(c.Vendor, circuitPolicy, d.now, d.sleep)
		}
		e := &certEntry{cert: c, client: client, limits: lim, circuit: d.circuits[c.Vendor]}
		if qps > 0 {
			e.pace = newBucket(qps, d.now, d.sleep)
		}
		d.certs[c.BusinessID] = e
		d.order = append(d.order, c.BusinessID)
	}
	return d, nil
}

func mergeLimits(base, o Limits) Limits {
	if o.Title != 0 {
		base.Title = o.Title
	}
	if o.Body != 0 {
		base.Body = o.Body
	}
	if o.Batch > 0 {
		base.Batch = o.Batch
	}
	if o.QPS != 0 {
		base.QPS = o.QPS
	}
	if o.Count != "" {
		base.Count = o.Count
	}
	base.Sound = base.Sound || o.Sound
	base.Badge = base.Badge || o.Badge
	return base
}

// NewClient builds the vendor client of a certificate from the built-in
// registry (dispatcher/clients.go).
func NewClient(cert push.Certificate, opt push.Options) (push.Client, error) {
	build := clientBuilders[cert.Vendor]
	if build == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownVendor, cert.Vendor)
	}
	return build(cert, opt)
}

// Certificates returns the configured certificates in configuration order.
func (d *Dispatcher) Certificates() []push.Certificate {
	out := make([]push.Certificate, 0, len(d.order))
	for _, id := range d.order {
		out = append(out, d.certs[id].cert)
	}
	return out
}

// Login starts a session on a device (the app is in the foreground). The
// device keeps any token it reported before.
func (d *Dispatcher) Login(user, device string) error {
	if err := checkIDs(user, device); err != nil {
		return err
	}
	_, err := d.store.UpdateDevice(user, device, func(dv *Device, _ bool) error {
		dv.State, dv.Unread, dv.Since, dv.Updated = Foreground, 0, 0, d.now()
		return nil
	})
	return err
}

// Logout ends a device's session: it gets no offline push, whatever it
// reported before (im.logout.no-push).
func (d *Dispatcher) Logout(user, device string) error {
	return d.endSession(user, device, LoggedOut)
}

// Kick ends a device's session because the user logged in elsewhere
// (im.kick.no-push).
func (d *Dispatcher) Kick(user, device string) error {
	return d.endSession(user, device, Kicked)
}

func (d *Dispatcher) endSession(user, device string, s State) error {
	if err := checkIDs(user, device); err != nil {
		return err
	}
	_, err := d.store.UpdateDevice(user, device, func(dv *Device, found bool) error {
		if !found {
			return fmt.Errorf("%w: %s/%s", ErrUnknownDevice, user, device)
		}
		dv.State, dv.Since, dv.Updated = s, 0, d.now()
		return nil
	})
	return err
}

// Foreground records doForeground: messages go over the long connection
// (im.foreground.online-only) and the unread count is cleared.
func (d *Dispatcher) Foreground(user, device string) error {
	return d.live(user, device, func(dv *Device) {
		dv.State, dv.Unread, dv.Since = Foreground, 0, 0
	})
}

// Background records doBackground(unread): from now on the device gets
// vendor pushes whose badge is unread plus the messages since
// (im.background.badge).
func (d *Dispatcher) Background(user, device string, unread int) error {
	if unread < 0 {
		return fmt.Errorf("%w: unread must not be negative", ErrInvalid)
	}
	return d.live(user, device, func(dv *Device) {
		dv.State, dv.Unread, dv.Since = Background, unread, 0
	})
}

// ReportToken records setOfflinePushConfig(businessID, token) for a
// logged-in device; a new token replaces the device's old one.
func (d *Dispatcher) ReportToken(user, device string, businessID int, token string) error {
	if _, ok := d.certs[businessID]; !ok {
		return fmt.Errorf("%w: %d", ErrUnknownCertificate, businessID)
	}
	if token == "" || len(token) > 4096 {
		return fmt.Errorf("%w: token must be 1 to 4096 bytes", ErrInvalid)
	}
	return d.live(user, device, func(dv *Device) {
		dv.BusinessID, dv.Token = businessID, token
	})
}

// live changes a logged-in device.
func (d *Dispatcher) live(user, device string, fn func(*Device)) error {
	if err := checkIDs(user, device); err != nil {
		return err
	}
	_, err := d.store.UpdateDevice(user, device, func(dv *Device, found bool) error {
		if !found {
			return fmt.Errorf("%w: %s/%s (log in first)", ErrUnknownDevice, user, device)
		}
		if !dv.LoggedIn() {
			return fmt.Errorf("%w: %s/%s is %s", ErrNotLoggedIn, user, device, dv.State)
		}
		fn(dv)
		dv.Updated = d.now()
		return nil
	})
	return err
}

// Device returns what the dispatcher knows about a device.
func (d *Dispatcher) Device(user, device string) (Device, bool) {
	dv, ok, err := d.store.Device(user, device)
	if err != nil {
		return Device{}, false
	}
	return dv, ok
}

// Outcomes returns the recorded outcomes that match f, in the order they
// were recorded (per message: recipients in message order, each user's
// devices by id).
func (d *Dispatcher) Outcomes(f OutcomeFilter) []Outcome {
	out, err := d.store.Outcomes(f)
	if err != nil {
		return nil
	}
	return out
}

// newMessageID draws a message id from the seeded source.
func (d *Dispatcher) newMessageID() string {
	d.idMu.Lock()
	defer d.idMu.Unlock()
	return fmt.Sprintf("m%016x", d.ids.Uint64())
}

func checkIDs(user, device string) error {
	if err := checkID("user", user); err != nil {
		return err
	}
	return checkID("device", device)
}

func checkID(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: %s is required", ErrInvalid, what)
	}
	if len(s) > 128 {
		return fmt.Errorf("%w: %s is longer than 128 bytes", ErrInvalid, what)
	}
	return nil
}
