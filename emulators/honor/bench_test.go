package honor_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/world"
)

// benchWorld is an app with one phone and a valid access token, without
// the test framework (benchmarks and fuzz targets use it).
type benchWorld struct {
	w       *world.World
	h       http.Handler
	app     *world.App
	phone   world.Device
	bearer  string
	sendURL string
}

func newBenchWorld(tb testing.TB) *benchWorld {
	tb.Helper()
	clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
	w := world.New(world.Options{Clock: clock, Seed: 1, LedgerCap: 16, ShadeCap: 16})
	v := honor.New(w)
	// qps 0: the frozen clock would hit flow control.
	a := world.App{Vendor: honor.Vendor, Name: "chat", Quotas: map[string]int{"oauth_tokens_per_5min": 1 << 30, "qps": 0}}
	v.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: honor.Vendor, App: "chat", Token: v.NewToken(app)})
	if err != nil {
		tb.Fatal(err)
	}
	rec := httptest.NewRecorder()
	v.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, honor.TokenPath, strings.NewReader(creds(app))))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("no access token: %s", rec.Body.String())
	}
	return &benchWorld{w: w, h: v.Handler(), app: app, phone: d, bearer: "Bearer " + tok.AccessToken,
		sendURL: "/api/v1/" + app.ID + "/sendMessage"}
}

// imBody is a typical IM notification as a dispatcher sends it.
func imBody(token string) []byte {
	return []byte(`{"data":"{\"ext\":\"{\\\"chatId\\\":42,\\\"from\\\":\\\"bob\\\"}\"}",` +
		`"android":{"ttl":"86400s","biTag":"m-1","targetUserType":0,"notification":{"title":"Bob","body":"Are we still on for lunch tomorrow?",` +
		`"clickAction":{"type":1,"intent":"intent://chat/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;end"},` +
		`"importance":"NORMAL","notifyId":12,"badge":{"setNum":3,"badgeClass":"com.example.chat.MainActivity"}}},` +
		`"token":["` + token + `"]}`)
}

// discard is a ResponseWriter that keeps nothing, so both handlers are
// measured without a recorder's cost.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// bareRequest mirrors the fields a send carries, for the bare handler.
type bareRequest struct {
	Data    string `json:"data"`
	Android struct {
		TTL            string `json:"ttl"`
		BiTag          string `json:"biTag"`
		TargetUserType int    `json:"targetUserType"`
		Notification   struct {
			Title       string `json:"title"`
			Body        string `json:"body"`
			ClickAction struct {
				Type   int    `json:"type"`
				Intent string `json:"intent"`
			} `json:"clickAction"`
			Importance string `json:"importance"`
			NotifyID   int    `json:"notifyId"`
			Badge      struct {
				SetNum     int    `json:"setNum"`
				BadgeClass string `json:"badgeClass"`
			} `json:"badge"`
		} `json:"notification"`
	} `json:"android"`
	Token []string `json:"token"`
}

// bare only parses the request and writes the success JSON.
func bare(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return
	}
	var req bareRequest
	if json.Unmarshal(body, &req) != nil {
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`{"code":200,"message":"success","data":{"sendResult":true,"requestId":"0123456789abcdef0123456789abcdef","failTokens":[],"expireTokens":[]}}`)) //nolint:errcheck // benchmark
}

// BenchmarkSend compares the full send path (auth, validation, content
// filter, ledger, delivery to the phone) with a bare handler that only
// parses the body and answers success: the target is full ≥ 0.6 × bare
// (compare ns/op: bare / full).
func BenchmarkSend(b *testing.B) {
	bw := newBenchWorld(b)
	body := imBody(bw.phone.Token)
	run := func(b *testing.B, h http.Handler) {
		w := &discard{h: http.Header{}}
		r := httptest.NewRequest(http.MethodPost, bw.sendURL, nil)
		r.Header.Set("Authorization", bw.bearer)
		r.Header.Set("timestamp", "1764036000000")
		rd := bytes.NewReader(body)
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rd.Reset(body)
			r.Body = io.NopCloser(rd)
			h.ServeHTTP(w, r)
		}
	}
	b.Run("full", func(b *testing.B) { run(b, bw.h) })
	b.Run("bare", func(b *testing.B) { run(b, http.HandlerFunc(bare)) })
}

// TestBenchWorldSends keeps the benchmark honest: its request is a
// success that reaches the phone.
func TestBenchWorldSends(t *testing.T) {
	bw := newBenchWorld(t)
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, bw.sendURL, bytes.NewReader(imBody(bw.phone.Token)))
	r.Header.Set("Authorization", bw.bearer)
	bw.h.ServeHTTP(rec, r)
	if !strings.HasPrefix(rec.Body.String(), `{"code":200,`) {
		t.Fatalf("bench request is not a success: %s", rec.Body.String())
	}
	s, _ := bw.w.Shade(bw.phone.ID)
	if len(s.Shown) != 1 {
		t.Fatalf("bench request shows %d notifications", len(s.Shown))
	}
}
