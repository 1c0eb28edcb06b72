package meizu

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// benchWorld is a Meizu world with one app and one phone, and the signed
// form of a typical IM notification to it.
func benchWorld(tb testing.TB, opts world.Options) (*Emulator, string) {
	tb.Helper()
	w := world.New(opts)
	e := New(w).(*Emulator)
	a := world.App{Vendor: vendorName, Name: "chat"}
	e.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		tb.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: vendorName, App: "chat", Token: e.NewToken(app)})
	if err != nil {
		tb.Fatal(err)
	}
	m, _ := json.Marshal(map[string]any{
		"noticeBarInfo": map[string]any{"noticeMsgType": 1, "title": "Bob", "content": "晚上一起吃饭吗？"},
		"clickTypeInfo": map[string]any{"clickType": 1, "activity": "com.example.chat.MainActivity",
			"parameters": map[string]string{"ext": `{"conv":"c2c_bob","seq":42}`}},
		"pushTimeInfo": map[string]any{"offLine": 1, "validTime": 24},
		"advanceInfo":  map[string]any{"notifyKey": "m42"},
	})
	form := map[string]string{"appId": app.ID, "pushIds": d.Token, "messageJson": string(m)}
	form["sign"] = Sign(form, app.Secret)
	v := url.Values{}
	for k, x := range form {
		v.Set(k, x)
	}
	return e, v.Encode()
}

func formRequest(path, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	return r
}

// bareHandler only parses the request (form and messageJson) and writes the
// success JSON: the floor the full emulator is measured against.
func bareHandler(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusOK, appendError(nil, codeParameter))
		return
	}
	var m messageJSON
	if err := json.Unmarshal([]byte(r.Form.Get("messageJson")), &m); err != nil {
		writeJSON(w, http.StatusOK, appendError(nil, codeParameter))
		return
	}
	writeJSON(w, http.StatusOK, appendSuccess(make([]byte, 0, 160), "c2ee5c3bf00448cfbceb7fdf68c3c8eb", nil))
}

// BenchmarkPush compares the full push path (sign check, QPS, validation,
// per-target rules, ledger, delivery to the phone) with the bare handler.
// Target: full ≥ 0.6 × bare in ops/s. The virtual clock moves 15 s per
// request so that the per-minute fold (5 a minute) and the QPS limit stay
// enforced but never trip.
func BenchmarkPush(b *testing.B) {
	run := func(b *testing.B, h http.Handler, body string, clock *world.VirtualClock) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, formRequest(PathPushByPushID, body))
			if !strings.HasPrefix(rec.Body.String(), `{"code":"200"`) || !strings.Contains(rec.Body.String(), `"value":{}`) {
				b.Fatalf("reply: %s", rec.Body)
			}
			if clock != nil {
				clock.Advance(15 * time.Second)
			}
		}
	}
	b.Run("bare", func(b *testing.B) {
		_, body := benchWorld(b, world.Options{})
		run(b, http.HandlerFunc(bareHandler), body, nil)
	})
	b.Run("full", func(b *testing.B) {
		clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
		e, body := benchWorld(b, world.Options{Clock: clock})
		run(b, e.Handler(), body, clock)
	})
}
