package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
	"github.com/pushsim/pushsim/harness"
)

// Vendors are the six Android vendors the fan-out spreads over.
var Vendors = []string{"xiaomi", "huawei", "oppo", "vivo", "meizu", "fcm"}

// quotas lift the vendor caps a 100k-device fan-out repeated b.N times would
// otherwise hit; the benchmark measures the path, not the limits (each
// emulator's package doc lists its keys).
var quotas = map[string]map[string]int{
	// qps 0 = no limit: the virtual clock does not move during a Send.
	"xiaomi": {"qps": 0},
	"huawei": {"qps": 0, "device_daily": 1 << 30},
	"oppo":   {"qps": 0},
	"vivo":   {"system_daily": -1, "auth_per_second": 1000},
	"meizu":  {"qps": 0, "device_per_minute": 0},
	// a negative limit switches an FCM quota off.
	"fcm": {"project_per_minute": -1, "device_per_minute": -1, "device_per_hour": -1},
}

// Options shape a Fanout.
type Options struct {
	Devices int    // phones (and users), spread evenly over Vendors
	Seed    uint64 // world and dispatcher seed (0 = 1)
	// Concurrency is the dispatcher's bound on vendor requests in flight
	// (0 = its default).
	Concurrency int
	// Vendors restricts the phones to some vendors (nil = all six).
	Vendors []string
}

// Phone is one user's phone: the dispatcher's (user, device) and the
// world's device id.
type Phone struct {
	User, Device, Vendor, WorldID string
}

// Fanout is the emulators, the dispatcher and the group.
type Fanout struct {
	Server     *emulators.Server
	Clock      *world.VirtualClock
	Dispatcher *dispatcher.Dispatcher
	Phones     []Phone
	Members    []string // every user, then the sender
	sent       int
	bodies     map[string]string // message id → text
}

// Sender is the group member who sends; it has no phone.
const Sender = "sender"

// NewFanout registers the apps and phones in a fresh world and logs every
// phone in, reports its token and puts it in the background.
func NewFanout(o Options) (*Fanout, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Vendors == nil {
		o.Vendors = Vendors
	}
	clock := world.NewVirtualClock(harness.DefaultStart)
	// The ledger keeps the requests of about two messages (one per FCM
	// phone, far fewer for the batching vendors; a shown notification adds
	// none), a phone's shade its newest notification: the heap the
	// collector walks stays the same however many messages are sent (with
	// the default 200 it would grow by 100 000 notifications a message).
	fcmPhones := 0
	for i := range o.Devices {
		if o.Vendors[i%len(o.Vendors)] == "fcm" {
			fcmPhones++
		}
	}
	ledgerCap := 2*(fcmPhones+(o.Devices-fcmPhones)/50) + 1000
	srv := emulators.New(emulators.Options{Clock: clock, Seed: o.Seed, LedgerCap: ledgerCap, ShadeCap: 1})
	w := srv.World
	f := &Fanout{Server: srv, Clock: clock}
	var certs []push.Certificate
	apps := map[string]*world.App{}
	for i, v := range Vendors {
		a := world.App{Vendor: v, Name: "chat", Package: "com.example.chat", Quotas: quotas[v]}
		srv.Vendor(v).DemoApp(&a)
		app, err := w.AddApp(a)
		if err != nil {
			return nil, fmt.Errorf("%s app: %w", v, err)
		}
		apps[v] = app
		certs = append(certs, harness.Certificate(app, i+1, srv.BaseURL(v)))
	}
	sleep := func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if d > 0 {
			clock.Advance(d)
		}
		return nil
	}
	qps := map[string]int{}
	for _, v := range Vendors {
		qps[v] = -1 // unpaced: the benchmark measures the work, not the pacing
	}
	d, err := dispatcher.New(dispatcher.Config{
		Certificates: certs, HTTPClient: srv.Client(), Now: clock.Now, Sleep: sleep,
		Seed: o.Seed, VendorQPS: qps, Concurrency: o.Concurrency,
		// The newest message's outcomes, for the same reason.
		Store: dispatcher.NewMemoryStore(o.Devices),
	})
	if err != nil {
		return nil, err
	}
	f.Dispatcher = d
	f.Phones = make([]Phone, 0, o.Devices)
	f.Members = make([]string, 0, o.Devices+1)
	for i := range o.Devices {
		v := o.Vendors[i%len(o.Vendors)]
		bid := slices.Index(Vendors, v) + 1
		p := Phone{User: fmt.Sprintf("u%06d", i), Device: fmt.Sprintf("p%06d", i), Vendor: v}
		dev, err := w.Register(world.Device{Vendor: v, App: "chat", Token: srv.Vendor(v).NewToken(apps[v])})
		if err != nil {
			return nil, fmt.Errorf("phone %d: %w", i, err)
		}
		p.WorldID = dev.ID
		for _, err := range []error{
			d.Login(p.User, p.Device), d.ReportToken(p.User, p.Device, bid, dev.Token), d.Background(p.User, p.Device, 0),
		} {
			if err != nil {
				return nil, fmt.Errorf("phone %d: %w", i, err)
			}
		}
		f.Phones = append(f.Phones, p)
		f.Members = append(f.Members, p.User)
	}
	f.Members = append(f.Members, Sender)
	return f, nil
}

// Message is the n-th group message.
func (f *Fanout) Message(n int) dispatcher.Message {
	return dispatcher.Message{
		ID: fmt.Sprintf("g%06d", n), From: Sender, FromName: "Sender", Group: "everyone", GroupName: "Everyone",
		Members: f.Members, Text: fmt.Sprintf("group message %d", n), Ext: `{"conv":"everyone"}`,
	}
}

// Send sends the next group message and returns its id. Between messages
// the clock moves a few minutes, outside the measured work: vendors cap
// messages per phone per minute.
func (f *Fanout) Send(ctx context.Context) (string, error) {
	f.sent++
	m := f.Message(f.sent)
	if f.bodies == nil {
		f.bodies = map[string]string{}
	}
	f.bodies[m.ID] = m.Text
	return f.Dispatcher.Send(ctx, m)
}

// Advance moves the clock between messages.
func (f *Fanout) Advance() { f.Clock.Advance(3 * time.Minute) }

// Requests counts the vendor requests in the ledger after seq, by vendor.
// It fails when the ledger's cap dropped some of them.
func (f *Fanout) Requests(since uint64) (map[string]int, error) {
	all := f.Server.World.Ledger(world.Filter{Since: since})
	if len(all) > 0 && all[0].Seq != since+1 {
		return nil, fmt.Errorf("the ledger dropped entries %d to %d: raise LedgerCap", since+1, all[0].Seq-1)
	}
	n := map[string]int{}
	for i := range all {
		if all[i].Kind == world.KindRequest {
			n[all[i].Vendor]++
		}
	}
	return n, nil
}

// LastSeq is the newest ledger sequence number.
func (f *Fanout) LastSeq() uint64 {
	if l := f.Server.World.Ledger(world.Filter{Limit: 1}); len(l) > 0 {
		return l[0].Seq
	}
	return 0
}

// Check verifies message id: every phone has exactly one outcome and it is
// sent, and every sample-th phone shows the message.
func (f *Fanout) Check(id string, sample int) error {
	body := f.bodies[id]
	outs := f.Dispatcher.Outcomes(dispatcher.OutcomeFilter{MessageID: id})
	if len(outs) != len(f.Phones) {
		return fmt.Errorf("%s: %d outcomes for %d phones", id, len(outs), len(f.Phones))
	}
	seen := make(map[string]bool, len(outs))
	kinds := map[push.Kind]int{}
	var first *dispatcher.Outcome
	for i := range outs {
		o := &outs[i]
		if seen[o.Device] {
			return fmt.Errorf("%s: device %s has two outcomes", id, o.Device)
		}
		seen[o.Device] = true
		kinds[o.Kind]++
		if o.Kind != push.Sent && first == nil {
			first = o
		}
	}
	if first != nil {
		return fmt.Errorf("%s: outcomes %v; first not sent: %+v", id, kinds, *first)
	}
	for i := 0; i < len(f.Phones); i += max(sample, 1) {
		p := f.Phones[i]
		sh, err := f.Server.World.Shade(p.WorldID)
		if err != nil {
			return err
		}
		if !shows(sh, body) {
			return fmt.Errorf("%s: phone %s (%s) does not show it: shown %+v dropped %+v", id, p.WorldID, p.Vendor, sh.Shown, sh.Dropped)
		}
	}
	return nil
}

// shows reports whether the shade shows a notification with that body (the
// vendor's message id is not the dispatcher's).
func shows(sh world.Shade, body string) bool {
	for _, n := range sh.Shown {
		if n.Body == body {
			return true
		}
	}
	return false
}
