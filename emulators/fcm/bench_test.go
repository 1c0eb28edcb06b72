package fcm

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
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

// fixture is a world with one project, one phone and an access token, used
// by the benchmarks and the fuzz targets (no Gomega outside Ginkgo).
type fixture struct {
	w     *world.World
	clock *world.VirtualClock
	e     *Emulator
	app   *world.App
	dev   world.Device
	token string // access token
}

// newFixture builds the world. The ledger cap is small because the world's
// capped ledger moves every entry once it is full, which would measure the
// world rather than this vendor.
func newFixture(tb testing.TB, ledgerCap int) *fixture {
	tb.Helper()
	clock := world.NewVirtualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	w := world.New(world.Options{Clock: clock, Seed: 3, LedgerCap: ledgerCap, ShadeCap: 16})
	e := New(w).(*Emulator)
	a := world.App{Vendor: Vendor, Name: "chat", Package: "com.example.chat", Channels: []world.Channel{{ID: "im", Class: world.ClassPrivate}},
		Quotas: map[string]int{"token_ttl_seconds": 1 << 30}}
	e.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		tb.Fatal(err)
	}
	dev, err := w.Register(world.Device{Vendor: Vendor, App: "chat", Token: e.NewToken(app)})
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{w: w, clock: clock, e: e, app: app, dev: dev}
	f.token = f.accessToken(tb)
	return f
}

// accessToken runs the real exchange with a JWT signed by the app's key.
func (f *fixture) accessToken(tb testing.TB) string {
	tb.Helper()
	acc, err := parseAccount(f.app.Extra[ExtraServiceAccount])
	if err != nil {
		tb.Fatal(err)
	}
	assertion := signTestJWT(tb, f.app, acc, f.clock.Now())
	form := url.Values{"grant_type": {grantJWTBearer}, "assertion": {assertion}}.Encode()
	r := httptest.NewRequest(http.MethodPost, "http://oauth2.googleapis.com/token", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	f.e.Handler().ServeHTTP(rec, r)
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		tb.Fatalf("token exchange: %d %s", rec.Code, rec.Body)
	}
	return out.AccessToken
}

const benchBody = `{"message":{"token":%q,"notification":{"title":"Bob","body":"晚上一起吃饭吗？"},` +
	`"data":{"ext":"{\"conv\":\"c_1\",\"seq\":42}","conv":"c_1"},` +
	`"android":{"priority":"high","ttl":"86400s","notification":{"channel_id":"im","tag":"conv-c_1","click_action":"OPEN_CHAT","sound":"default"}}}}`

func (f *fixture) request(body string) (*http.Request, *rewindBody) {
	rb := &rewindBody{s: body}
	r, _ := http.NewRequest(http.MethodPost, "http://fcm.googleapis.com/v1/projects/"+f.app.ID+"/messages:send", nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+f.token)
	r.Body = rb
	r.ContentLength = int64(len(body))
	return r, rb
}

// BenchmarkSend is the whole emulator on the send path: routing, bearer
// check, project quota, decoding, validation, device and collapsible quotas,
// ledger, delivery to the phone.
func BenchmarkSend(b *testing.B) {
	f := newFixture(b, 16)
	r, body := f.request(strings.Replace(benchBody, "%q", quoteJSON(f.dev.Token), 1))
	h := f.e.Handler()
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body.i = 0
		// Three minutes a message keeps one phone inside the collapsible
		// bucket (the fixture's access token lives for years).
		f.clock.Advance(3 * time.Minute)
		h.ServeHTTP(w, r)
	}
	b.StopTimer()
	if w.code != http.StatusOK {
		b.Fatalf("status %d", w.code)
	}
	if s, _ := f.w.Shade(f.dev.ID); len(s.Shown) != 1 || s.Shown[0].Title != "Bob" {
		b.Fatalf("shade: %+v", s.Shown)
	}
}

// BenchmarkBareHandler is the floor BenchmarkSend is compared against: a
// handler that only reads and decodes the JSON body (encoding/json, into the
// same structs) and writes the success JSON, as a minimal FCM stub would.
func BenchmarkBareHandler(b *testing.B) {
	f := newFixture(b, 16)
	r, body := f.request(strings.Replace(benchBody, "%q", quoteJSON(f.dev.Token), 1))
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, defMaxBody))
		var req sendRequest
		if err != nil || json.Unmarshal(raw, &req) != nil || req.Message == nil || req.Message.Token == nil {
			panic("bad body")
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_ = json.NewEncoder(w).Encode(map[string]string{"name": "projects/" + f.app.ID + "/messages/0:1772445600000000%0123456789abcdef"})
	})
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body.i = 0
		bare.ServeHTTP(w, r)
	}
	b.StopTimer()
	if w.code != http.StatusOK {
		b.Fatalf("status %d", w.code)
	}
}

func quoteJSON(s string) string { b, _ := json.Marshal(s); return string(b) }
