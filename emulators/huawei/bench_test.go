package huawei_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/huawei"
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
	v := huawei.New(w)
	a := world.App{Vendor: "huawei", Name: "chat", Privileges: []string{huawei.PrivSelfClassification},
		Quotas: map[string]int{"device_daily": -1, "oauth_tokens_per_5min": 1 << 30, "qps": 0}} // qps 0: the frozen clock would hit flow control
	v.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: "huawei", App: "chat", Token: v.NewToken(app)})
	if err != nil {
		tb.Fatal(err)
	}
	rec := httptest.NewRecorder()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ID}, "client_secret": {app.Secret}}.Encode()
	v.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/oauth2/v3/token", strings.NewReader(form)))
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		tb.Fatalf("no access token: %s", rec.Body.String())
	}
	return &benchWorld{w: w, h: v.Handler(), app: app, phone: d, bearer: "Bearer " + tok.AccessToken,
		sendURL: "/v1/" + app.ID + "/messages:send"}
}

// imBody is a typical IM notification as a dispatcher sends it.
func imBody(token string) []byte {
	return []byte(`{"validate_only":false,"message":{"data":"{\"ext\":\"{\\\"chatId\\\":42,\\\"from\\\":\\\"bob\\\"}\"}",` +
		`"android":{"category":"IM","ttl":"86400s","bi_tag":"m-1","notification":{"title":"Bob","body":"Are we still on for lunch tomorrow?",` +
		`"click_action":{"type":1,"intent":"intent://chat/detail#Intent;scheme=pushscheme;launchFlags=0x4000000;end"},` +
		`"channel_id":"im","default_sound":true,"importance":"NORMAL","badge":{"set_num":3,"class":"com.example.chat.MainActivity"}}},` +
		`"token":["` + token + `"]}}`)
}

// discard is a ResponseWriter that keeps nothing, so both handlers are
// measured without a recorder's cost.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// bareRequest mirrors the fields a send carries, for the bare handler.
type bareRequest struct {
	ValidateOnly bool `json:"validate_only"`
	Message      struct {
		Data    string `json:"data"`
		Android struct {
			Category     string `json:"category"`
			TTL          string `json:"ttl"`
			BiTag        string `json:"bi_tag"`
			Notification struct {
				Title       string `json:"title"`
				Body        string `json:"body"`
				ClickAction struct {
					Type   int    `json:"type"`
					Intent string `json:"intent"`
				} `json:"click_action"`
				ChannelID    string `json:"channel_id"`
				DefaultSound bool   `json:"default_sound"`
				Importance   string `json:"importance"`
				Badge        struct {
					SetNum int    `json:"set_num"`
					Class  string `json:"class"`
				} `json:"badge"`
			} `json:"notification"`
		} `json:"android"`
		Token []string `json:"token"`
	} `json:"message"`
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
	w.Write([]byte(`{"code":"80000000","msg":"Success","requestId":"176400000000012345678901"}`)) //nolint:errcheck // benchmark
}

// BenchmarkSend compares the full send path (auth, validation,
// classification, ledger, delivery to the phone) with the bare handler in
// the same run; the target is full >= 0.6x bare.
func BenchmarkSend(b *testing.B) {
	bw := newBenchWorld(b)
	body := imBody(bw.phone.Token)
	run := func(b *testing.B, h http.Handler) {
		req := httptest.NewRequest(http.MethodPost, bw.sendURL, nil)
		req.Header.Set("Authorization", bw.bearer)
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
		rd := bytes.NewReader(body)
		w := &discard{h: http.Header{}}
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rd.Reset(body)
			req.Body = io.NopCloser(rd)
			h.ServeHTTP(w, req)
		}
	}
	b.Run("full", func(b *testing.B) { run(b, bw.h) })
	b.Run("bare", func(b *testing.B) { run(b, http.HandlerFunc(bare)) })
}

func TestBenchBodyIsAccepted(t *testing.T) {
	bw := newBenchWorld(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, bw.sendURL, bytes.NewReader(imBody(bw.phone.Token)))
	req.Header.Set("Authorization", bw.bearer)
	bw.h.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"code":"80000000"`) {
		t.Fatalf("bench body refused: %s", rec.Body.String())
	}
	s, _ := bw.w.Shade(bw.phone.ID)
	if len(s.Shown) != 1 || s.Shown[0].Badge == nil || *s.Shown[0].Badge != 3 {
		t.Fatalf("bench body not shown as expected: %+v", s.Shown)
	}
}

// BenchmarkSendRatio runs the two handlers in alternating short rounds, so
// a busy machine slows both alike, and reports the median over rounds of
// bare time / full time as "x-of-bare" (the target is >= 0.6).
func BenchmarkSendRatio(b *testing.B) {
	bw := newBenchWorld(b)
	body := imBody(bw.phone.Token)
	req := httptest.NewRequest(http.MethodPost, bw.sendURL, nil)
	req.Header.Set("Authorization", bw.bearer)
	rd := bytes.NewReader(body)
	w := &discard{h: http.Header{}}
	round := func(h http.Handler, n int) time.Duration {
		t0 := time.Now()
		for i := 0; i < n; i++ {
			rd.Reset(body)
			req.Body = io.NopCloser(rd)
			h.ServeHTTP(w, req)
		}
		return time.Since(t0)
	}
	const per = 64
	var ratios []float64
	var full, bareT time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; done += per {
		n := min(per, b.N-done)
		f := round(bw.h, n)
		r := round(http.HandlerFunc(bare), n)
		full, bareT = full+f, bareT+r
		ratios = append(ratios, float64(r)/float64(f))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "x-of-bare")
	b.ReportMetric(float64(full.Nanoseconds())/float64(b.N), "full-ns/op")
	b.ReportMetric(float64(bareT.Nanoseconds())/float64(b.N), "bare-ns/op")
}
