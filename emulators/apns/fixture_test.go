package apns

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// nopWriter keeps nothing, so the benchmarks measure handlers, not a recorder.
type nopWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(code int)        { w.code = code }
func (w *nopWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// rewindBody is a request body read again on every iteration.
type rewindBody struct {
	s string
	i int
}

func (b *rewindBody) Read(p []byte) (int, error) {
	if b.i >= len(b.s) {
		return 0, io.EOF
	}
	n := copy(p, b.s[b.i:])
	b.i += n
	return n, nil
}

func (b *rewindBody) Close() error { return nil }

// fixture is a world with one app, one phone and a provider token, for the
// benchmarks and fuzz targets (plain testing, no Gomega).
type fixture struct {
	w     *world.World
	clock *world.VirtualClock
	e     *Emulator
	app   *world.App
	dev   world.Device
	jwt   string
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	clock := world.NewVirtualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	// Small caps: a full capped ledger moves its entries now and then,
	// which would measure the world rather than this vendor.
	w := world.New(world.Options{Clock: clock, Seed: 3, LedgerCap: 16, ShadeCap: 16})
	e := New(w).(*Emulator)
	a := world.App{Vendor: Vendor, Name: "chat", Quotas: map[string]int{"token_lifetime_seconds": 1 << 30}}
	e.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		tb.Fatal(err)
	}
	dev, err := w.Register(world.Device{Vendor: Vendor, App: "chat", Platform: "ios", Token: e.NewToken(app)})
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{w: w, clock: clock, e: e, app: app, dev: dev, jwt: signJWT(tb, app, clock.Now())}
}

func signJWT(tb testing.TB, app *world.App, iat time.Time) string {
	blk, _ := pem.Decode([]byte(app.Extra[ExtraP8]))
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	enc := base64.RawURLEncoding
	in := enc.EncodeToString([]byte(`{"alg":"ES256","kid":"`+app.Key+`"}`)) + "." +
		enc.EncodeToString([]byte(`{"iss":"`+app.ID+`","iat":`+strconv.FormatInt(iat.Unix(), 10)+`}`))
	sum := sha256.Sum256([]byte(in))
	r, s, err := ecdsa.Sign(rand.Reader, k.(*ecdsa.PrivateKey), sum[:])
	if err != nil {
		tb.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return in + "." + enc.EncodeToString(sig)
}

const benchBody = `{"aps":{"alert":{"title":"Bob","body":"晚上一起吃饭吗？"},"badge":3,"sound":"default","thread-id":"c_1"},` +
	`"ext":"{\"conv\":\"c_1\",\"seq\":42}"}`

// request is an alert push to the fixture's phone on the production host.
func (f *fixture) request(body string) (*http.Request, *rewindBody) {
	rb := &rewindBody{s: body}
	r, _ := http.NewRequest(http.MethodPost, "https://"+HostProduction+PathPrefix+f.dev.Token, nil)
	r.Header.Set("authorization", "bearer "+f.jwt)
	r.Header.Set("apns-topic", f.app.Package)
	r.Header.Set("apns-push-type", "alert")
	r.Header.Set("apns-priority", "10")
	r.Header.Set("apns-collapse-id", "conv-c_1")
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Body = rb
	r.ContentLength = int64(len(body))
	return r, rb
}
