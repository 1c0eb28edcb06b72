package oppo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// benchWorld is an OPPO world with one app, one phone and a valid token.
func benchWorld(tb testing.TB, opts world.Options) (e *Emulator, body string) {
	tb.Helper()
	w := world.New(opts)
	e = New(w).(*Emulator)
	// qps 0: a frozen virtual clock would otherwise hit the rate limit.
	app := world.App{Vendor: "oppo", Name: "chat", Package: "com.example.chat", Quotas: map[string]int{"qps": 0}}
	e.DemoApp(&app)
	if _, err := w.AddApp(app); err != nil {
		tb.Fatal(err)
	}
	d, err := w.Register(world.Device{Vendor: "oppo", App: "chat", Token: e.NewToken(&app), Android: 33})
	if err != nil {
		tb.Fatal(err)
	}
	ts := strconv.FormatInt(w.Now().UnixMilli(), 10)
	form := url.Values{"app_key": {app.Key}, "timestamp": {ts}, "sign": {Sign(app.Key, ts, app.Secret)}}
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, formRequest(PathAuth, form.Encode()))
	var auth struct {
		Data struct {
			AuthToken string `json:"auth_token"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &auth); err != nil || auth.Data.AuthToken == "" {
		tb.Fatalf("auth: %s", rec.Body)
	}
	m, _ := json.Marshal(map[string]any{
		"target_type": 2, "target_value": d.Token,
		"notification": map[string]any{
			"title": "Bob", "content": "hello, are you there?", "channel_id": "im", "category": "IM",
			"private_msg_template_id": app.Extra["private_msg_template_id"], "notify_level": 2,
			"click_action_type": 4, "click_action_activity": "com.example.chat.ChatActivity",
			"action_parameters": `{"ext":"{\"conv\":\"c1\",\"seq\":42}"}`, "off_line_ttl": 3600,
		},
	})
	return e, url.Values{"auth_token": {auth.Data.AuthToken}, "message": {string(m)}}.Encode()
}

func formRequest(path, body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// bareUnicast only parses the request and writes the success JSON: the
// floor the full emulator is measured against.
func bareUnicast(rw http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(rw, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		writeJSON(rw, http.StatusOK, errorBody(codeInvalidArgs, ""))
		return
	}
	var m message
	if err := unmarshal(r.Form.Get("message"), &m); err != nil {
		writeJSON(rw, http.StatusOK, errorBody(codeInvalidArgs, ""))
		return
	}
	writeJSON(rw, http.StatusOK, unicastSuccess("30000000-1-1-000000000000000000000000"))
}

// BenchmarkUnicast compares the full send path (auth check, validation,
// rules, ledger, delivery to the phone) with the bare handler. Target:
// full ≥ 0.6 × bare (in ops/s).
func BenchmarkUnicast(b *testing.B) {
	run := func(b *testing.B, h http.Handler, body string) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, formRequest(PathUnicast, body))
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), `{"code":0`) {
				b.Fatalf("reply: %s", rec.Body)
			}
		}
	}
	b.Run("bare", func(b *testing.B) {
		_, body := benchWorld(b, world.Options{})
		run(b, http.HandlerFunc(bareUnicast), body)
	})
	b.Run("full", func(b *testing.B) {
		clock := world.NewVirtualClock(time.Date(2026, 3, 1, 10, 0, 0, 0, world.Shanghai))
		e, body := benchWorld(b, world.Options{Clock: clock})
		run(b, e.Handler(), body)
	})
}
