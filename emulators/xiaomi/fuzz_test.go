package xiaomi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// FuzzDecode feeds arbitrary bodies to the form decoder and to the whole send
// path: nothing panics, the decoder agrees with net/url where both accept the
// input, and every answer is Xiaomi's JSON with HTTP 200.
// Seeds: f.Add below and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"",
		"registration_id=a&title=t&description=d",
		"registration_id=a%2Cb&registration_id=c&title=%E4%BD%A0%E5%A5%BD&description=d+e&extra.channel_id=high_im",
		"alias=alice&alias=bob,carol&pass_through=1&payload=%7B%22k%22%3A1%7D",
		"title=%ZZ&description=%",
		"title=%FF%FE&description=x",
		"extra.=1&extra.notify_effect=2&extra.intent_uri=intent%3A%23Intent%3BS.k%3Dv%3Bend&=&&&==",
		"registration_id=,,,&restricted_package_name=com.example.chat,com.other&notify_id=-1&time_to_live=99999999999999999999",
		"title;x=1&notify_type=-1&extra.jobkey=_x&time_to_send=1",
		"topic=news&topics=news%3B%24%3Bsports%3B%24%3B&topic_op=EXCEPT&title=t&description=d",
		"topics=%3B%24%3B%3B%24%3B&topic_op=&topic=%09&title=t&description=d",
		// multi-message sends, subscription, revoke, status (api.go)
		"messages=%5B%7B%22target%22%3A%22a%22%2C%22message%22%3A%7B%22title%22%3A%22t%22%2C%22description%22%3A%22d%22%2C%22notify_id%22%3A3%2C%22extra%22%3A%7B%22channel_id%22%3A%22high_im%22%2C%22cb%22%3A%7B%22x%22%3A%7B%22y%22%3A1%7D%7D%7D%7D%7D%5D&time_to_send=0",
		"messages=%5B%7B%22target%22%3A%22alice%22%2C%22message%22%3A%7B%22title%22%3Anull%2C%22pass_through%22%3A%221%22%2C%22payload%22%3A%22p%22%7D%7D%2C1%2Cnull%5D",
		"messages=%5B%5D&messages=%7B%7D&time_to_send=x",
		"registration_id=a&aliases=alice&topic=news&category=1",
		"registration_ids=a&registration_ids=b%2Cc&aliases=alice&notify_id=0",
		"msg_id=sxm51b00000000000000ab&job_key=k",
	} {
		f.Add(s)
	}
	clock := world.NewVirtualClock(time.Date(2026, 11, 25, 10, 0, 0, 0, world.Shanghai))
	w := world.New(world.Options{Clock: clock, LedgerCap: 64, ShadeCap: 16})
	e := New(w).(*Emulator)
	a := world.App{Vendor: vendorName, Name: "chat", Quotas: map[string]int{"qps": 0}}
	e.DemoApp(&a)
	app, err := w.AddApp(a)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := w.Register(world.Device{Vendor: vendorName, App: "chat", Token: "a"}); err != nil {
		f.Fatal(err)
	}
	if err := SetAlias(w, "chat", "alice", "a"); err != nil {
		f.Fatal(err)
	}
	if err := w.SubscribeTopic("d1", "news"); err != nil {
		f.Fatal(err)
	}
	h := e.Handler()

	f.Fuzz(func(t *testing.T, body string) {
		var fm form
		err := decode([]byte(body), "registration_id", &fm)
		if err == nil {
			checkForm(t, &fm)
			if !strings.Contains(body, ";") {
				v, perr := url.ParseQuery(body)
				if perr != nil {
					t.Fatalf("decode accepted what net/url refuses (%v): %q", perr, body)
				}
				if fm.title != v.Get("title") || fm.description != v.Get("description") || fm.payload != v.Get("payload") {
					t.Fatalf("decode disagrees with net/url on %q", body)
				}
			}
		}
		for _, path := range fuzzPaths {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			if path == "/v1/trace/message/status" {
				req = httptest.NewRequest(http.MethodGet, path, nil)
				req.URL.RawQuery = body
			}
			req.Header.Set("Authorization", "key="+app.Secret)
			h.ServeHTTP(rec, req)
			var ans struct {
				Result string `json:"result"`
				Code   *int   `json:"code"`
			}
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &ans) != nil || ans.Code == nil ||
				(ans.Result != "ok" && ans.Result != "error") || (ans.Result == "ok") != (*ans.Code == 0) {
				t.Fatalf("%s %q: HTTP %d %s", path, body, rec.Code, rec.Body)
			}
		}
	})
}

// fuzzPaths are every API the emulator serves; the status API is a GET with
// the body as its query.
var fuzzPaths = []string{
	"/v3/message/regid", "/v2/message/alias", "/v3/message/topic", "/v3/message/multi_topic", "/v2/message/all",
	"/v2/multi_messages/regids", "/v2/multi_messages/aliases",
	"/v2/topic/subscribe", "/v2/topic/unsubscribe", "/v2/topic/subscribe/alias", "/v2/topic/unsubscribe/alias",
	"/v1/message/regid/revoke", "/v1/message/alias/revoke", "/v1/trace/message/status",
}

func checkForm(t *testing.T, f *form) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range f.targets {
		if s == "" || strings.Contains(s, ",") || s != strings.TrimSpace(s) || seen[s] {
			t.Fatalf("bad target %q in %q", s, f.targets)
		}
		seen[s] = true
	}
	for _, s := range append([]string{f.title, f.description, f.payload, f.passThrough, f.notifyID}, f.packages...) {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 passed: %q", s)
		}
	}
	for _, x := range f.extras {
		if x.key == "" || !utf8.ValidString(x.key) || !utf8.ValidString(x.value) {
			t.Fatalf("bad extra %q", x)
		}
	}
}
