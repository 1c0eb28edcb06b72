package meizu

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/emulators/world"
)

// checkReply asserts an answer is Meizu's envelope: a string code, a
// message, a value, and a msgId exactly when the code is "200".
func checkReply(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	var r struct {
		Code    *string         `json:"code"`
		Message *string         `json:"message"`
		Value   json.RawMessage `json:"value"`
		MsgID   string          `json:"msgId"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || r.Code == nil || r.Message == nil || r.Value == nil {
		t.Fatalf("not a Meizu envelope (HTTP %d): %q", rec.Code, rec.Body)
	}
	if (*r.Code == codeOK) != (r.MsgID != "") {
		t.Fatalf("code %s with msgId %q", *r.Code, r.MsgID)
	}
	if *r.Code == codeOK {
		var m map[string][]string
		if err := json.Unmarshal(r.Value, &m); err != nil {
			t.Fatalf("value of a 200 is not a code → targets map: %s", r.Value)
		}
	}
}

// FuzzMessageJSON feeds arbitrary messageJson text, correctly signed, to
// both notification paths and the allowed pass-through path.
func FuzzMessageJSON(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	form, _ := url.ParseQuery(body)
	app, _ := e.w.App(vendorName, "chat")
	app.Settings = map[string]string{"pass_through": "allowed"}
	// The real clock stands still for the fuzzer's thousands of calls a
	// second: without limits every input reaches the deep checks.
	app.Quotas = map[string]int{"qps": 0, "device_per_minute": 0}
	if err := e.w.UpdateApp(*app); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		form.Get("messageJson"),
		`{"title":"title","content":"content","pushTimeInfo":{"offLine":1,"validTime":24}}`,
		`{"noticeBarInfo":{"title":"t","content":"c","noticeMsgType":"1"},"clickTypeInfo":{"clickType":2,"url":"https://x","parameters":"{\"a\":1}"}}`,
		`{"noticeBarInfo":{"title":"t","content":"c"},"pushTimeInfo":{"offLine":true,"validTime":72.0},"advanceInfo":{"suspend":false,"notificationType":{"sound":"0"}}}`,
		`{"noticeBarInfo":{"title":"t","content":"c"},"advanceInfo":{"fixDisplay":1,"fixStartDisplayTime":"2026-11-25 12:00:00","fixEndDisplayTime":"2026-11-25 13:00:00","notifyKey":"k"}}`,
		`{"noticeBarInfo":{"title":null,"content":1e999},"clickTypeInfo":{"clickType":1.5}}`,
		`{"noticeBarInfo":{"title":"t","content":"c"},"clickTypeInfo":{"parameters":[1]},"extra":{"callback.type":9}}`,
		`[]`, `null`, `"x"`, `{`, "\xff", `{"vipInfo":{"subtitle":"` + strings.Repeat("字", 17) + `"}}`,
	} {
		f.Add(uint8(0), seed)
		f.Add(uint8(1), seed)
	}
	paths := []string{PathPushByPushID, PathPushByAlias, PathPassThroughByPushID}
	f.Fuzz(func(t *testing.T, p uint8, m string) {
		path := paths[int(p)%len(paths)]
		params := map[string]string{"appId": form.Get("appId"), "messageJson": m}
		if path == PathPushByAlias {
			params["alias"] = "nobody,also-nobody"
		} else {
			params["pushIds"] = form.Get("pushIds")
		}
		params["sign"] = Sign(params, app.Secret)
		v := url.Values{}
		for k, x := range params {
			v.Set(k, x)
		}
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(path, v.Encode()))
		checkReply(t, rec)
	})
}

// FuzzForm feeds arbitrary request bodies to every path.
func FuzzForm(f *testing.F) {
	e, body := benchWorld(f, world.Options{})
	app, _ := e.w.App(vendorName, "chat")
	app.Quotas = map[string]int{"qps": 0, "device_per_minute": 0}
	if err := e.w.UpdateApp(*app); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		body, "appId=1&sign=s", "appId=&pushIds=&messageJson=", "%zz", "a=b&&&c", strings.Repeat("pushIds=1&", 100), "",
		"appId=99999999999999999999999&sign=y", "appId=1%00&sign=%ff",
	} {
		for p := range uint8(5) {
			f.Add(p, seed)
		}
	}
	paths := []string{PathPushByPushID, PathPushByAlias, PathPassThroughByPushID, PathPassThroughByAlias, "/garcia/api/server/push/other"}
	f.Fuzz(func(t *testing.T, p uint8, body string) {
		rec := httptest.NewRecorder()
		e.Handler().ServeHTTP(rec, formRequest(paths[int(p)%len(paths)], body))
		checkReply(t, rec)
		if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
			t.Fatalf("HTTP %d", rec.Code)
		}
	})
}
