package apns_test

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/asn1"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sideshow/apns2"
	"github.com/sideshow/apns2/payload"
	"github.com/sideshow/apns2/token"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/apns"
	"github.com/pushsim/pushsim/emulators/localca"
	"github.com/pushsim/pushsim/emulators/world"
)

// protoRecorder notes the HTTP version of every answer; it changes nothing.
type protoRecorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	protos []string
}

func (p *protoRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := p.next.RoundTrip(r)
	if err == nil {
		p.mu.Lock()
		p.protos = append(p.protos, resp.Proto)
		p.mu.Unlock()
	}
	return resp, err
}

// pointedAt is the only configuration an unmodified client needs: trust the
// local CA, and dial the emulators wherever the real host name points (what
// a hosts-file line does for clients that cannot be configured).
func pointedAt(ca *localca.CA, addr string, certs ...tls.Certificate) *protoRecorder {
	cfg := ca.ClientConfig()
	cfg.Certificates = certs
	return &protoRecorder{next: &http.Transport{
		TLSClientConfig:   cfg,
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, network, addr)
		},
	}}
}

func tlsWorld(t *testing.T) (*emulators.Server, *localca.CA, string, *world.App, world.Device) {
	t.Helper()
	// apns2 signs its JWT with the machine's clock: the world's virtual
	// clock starts at the real time.
	s := emulators.New(emulators.Options{Clock: world.NewVirtualClock(time.Now()), Seed: 11})
	ca, err := localca.New()
	if err != nil {
		t.Fatal(err)
	}
	addr := s.StartTLS(t, ca)
	v := s.Vendor(apns.Vendor)
	app := world.App{Vendor: apns.Vendor, Name: "chat", Package: "com.example.chat"}
	v.DemoApp(&app)
	stored, err := s.World.AddApp(app)
	if err != nil {
		t.Fatal(err)
	}
	phone, err := s.World.Register(world.Device{Vendor: apns.Vendor, App: "chat", Name: "alice-iphone", Platform: "ios", Token: v.NewToken(stored)})
	if err != nil {
		t.Fatal(err)
	}
	return s, ca, addr, stored, phone
}

// TestSideshowAPNs2 sends through github.com/sideshow/apns2 v0.25.0,
// unchanged: token auth with the app's .p8 (apns2/token signs the JWT), the
// real production host, HTTP/2 over TLS. Its HTTPClient only trusts the
// local CA and dials the emulators' TLS port.
func TestSideshowAPNs2(t *testing.T) {
	s, ca, addr, app, phone := tlsWorld(t)
	key, err := token.AuthKeyFromBytes([]byte(app.Extra[apns.ExtraP8]))
	if err != nil {
		t.Fatal(err)
	}
	client := apns2.NewTokenClient(&token.Token{AuthKey: key, KeyID: app.Key, TeamID: app.ID}).Production()
	rec := pointedAt(ca, addr)
	client.HTTPClient = &http.Client{Transport: rec, Timeout: 10 * time.Second}

	ext := `{"conv":"c_1","seq":42}`
	res, err := client.Push(&apns2.Notification{
		DeviceToken: phone.Token,
		Topic:       app.Package,
		CollapseID:  "conv-c_1",
		Priority:    apns2.PriorityHigh,
		Payload:     payload.NewPayload().AlertTitle("Bob").AlertBody("are you there?").Badge(3).Sound("default").ThreadID("c_1").Custom("ext", ext),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Sent() || res.ApnsID == "" {
		t.Fatalf("push: %d %s (apns-id %q)", res.StatusCode, res.Reason, res.ApnsID)
	}
	sh, err := s.World.Shade(phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Shown) != 1 {
		t.Fatalf("shade: %+v", sh)
	}
	n := sh.Shown[0]
	if n.Title != "Bob" || n.Body != "are you there?" || n.Sound != "default" || n.Badge == nil || *n.Badge != 3 ||
		n.NotifyID != "conv-c_1" || n.Click.Extras["ext"] != ext || n.Extras["aps.thread-id"] != "c_1" || n.MessageID != res.ApnsID {
		t.Errorf("shown: %+v", n)
	}

	// Apple's error answers parse into apns2's reasons.
	res, err = client.Push(&apns2.Notification{DeviceToken: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Topic: app.Package,
		Payload: []byte(`{"aps":{"alert":"x"}}`)})
	if err != nil || res.StatusCode != 400 || res.Reason != apns2.ReasonBadDeviceToken {
		t.Errorf("unknown token: %+v, %v", res, err)
	}
	if _, err := s.World.UpdateDevice(phone.ID, func(d *world.Device) { d.Uninstalled = true }); err != nil {
		t.Fatal(err)
	}
	res, err = client.Push(&apns2.Notification{DeviceToken: phone.Token, Topic: app.Package, Payload: []byte(`{"aps":{"alert":"x"}}`)})
	if err != nil || res.StatusCode != 410 || res.Reason != apns2.ReasonUnregistered || res.Timestamp.IsZero() {
		t.Errorf("uninstalled: %+v, %v", res, err)
	}
	for _, p := range rec.protos {
		if p != "HTTP/2.0" {
			t.Errorf("answered over %s, want HTTP/2.0", p)
		}
	}
}

// TestSideshowAPNs2Certificate sends with apns2's certificate-based client
// and no apns-topic: the emulator takes the topic from the certificate.
func TestSideshowAPNs2Certificate(t *testing.T) {
	s, ca, addr, app, phone := tlsWorld(t)
	cert, err := ca.IssueClient(pkix.Name{CommonName: "Apple Push Services: " + app.Package,
		ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}, Value: app.Package}}})
	if err != nil {
		t.Fatal(err)
	}
	client := apns2.NewClient(cert).Development()
	client.HTTPClient = &http.Client{Transport: pointedAt(ca, addr, cert), Timeout: 10 * time.Second}
	res, err := client.Push(&apns2.Notification{DeviceToken: phone.Token, Payload: payload.NewPayload().Alert("hi")})
	if err != nil || !res.Sent() {
		t.Fatalf("push: %+v, %v", res, err)
	}
	if e := s.World.Ledger(world.Filter{Vendor: apns.Vendor}); len(e) == 0 || e[len(e)-1].App != "chat" {
		t.Errorf("ledger: %+v", e)
	}
}
