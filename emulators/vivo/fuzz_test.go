package vivo

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// FuzzRequest feeds any body to every vivo API: each answer must be HTTP
// 200 with vivo's {result, desc} envelope, and nothing may panic.
func FuzzRequest(f *testing.F) {
	seeds := []string{
		``, `null`, `{}`, `[]`, `"x"`, `{"regId":`, "\xff\xfe{}",
		`{"appId":"10337","appKey":"k","timestamp":"1773108000000","sign":"0123456789abcdef0123456789abcdef"}`,
		`{"appId":10337,"appKey":{"a":1},"timestamp":[1],"sign":true}`,
		`{"regId":"17731080000002274085543","notifyType":4,"title":"Bob","content":"hi","skipType":1,"requestId":"r1"}`,
		`{"regId":"17731080000002274085543","notifyType":"4","title":"\u0042ob","content":"晚上好😀","skipType":4,"skipContent":"intent:#Intent;end","classification":1,"category":"IM","requestId":"r2","clientCustomMap":{"ext":"{\"a\":1}","n":1,"b":true}}`,
		`{"regId":"x","notifyType":1e400,"title":"t","content":"c","skipType":-1,"timeToLive":"86400.5","requestId":"r"}`,
		`{"clientCustomMap":{"a":{"b":[1,{"c":"}"}]}},"extra":{"callback":"1","callback.param":"\\"}}`,
		`{"regIds":["17731080000002274085543","17731080000002274085544"],"taskId":"100000001","requestId":"l1","pushMode":1}`,
		`{"regIds":"a,b","aliases":[{"x":1},null],"taskId":12,"requestId":[]}`,
		`{"notifyType":2,"title":"今日推荐","content":"周末大促","skipType":1,"classification":0,"requestId":"b1","timeToLive":900}`,
		`{"notifyType":2,"title":"a","content":"b","skipType":1,"requestId":"t1","tagExpression":{"orTags":["vip"],"andTags":[],"notTags":["x"]}}`,
		`{"tagExpression":{"orTags":[{"a":1}],"andTags":"x"},"name":"vip","type":"1","ids":["17731080000002274085543",null,1]}`,
		`{"name":"vip","type":2,"ids":[],"oldName":"vip","newName":"gold"}`,
		`{"re\u0067Id":"17731080000002274085543" , "notifyType" : 2 , "title":"a","content":"b","skipType":2,"skipContent":"https://x","requestId":"r"}`,
	}
	for _, s := range seeds {
		f.Add(s)
	}
	clock := world.NewVirtualClock(time.Date(2026, 3, 10, 10, 0, 0, 0, world.Shanghai))
	w := world.New(world.Options{Clock: clock, LedgerCap: 64, ShadeCap: 8})
	e := New(w).(*Emulator)
	a := world.App{Vendor: vendorName, Name: "chat", ID: "10337"}
	e.DemoApp(&a)
	if _, err := w.AddApp(a); err != nil {
		f.Fatal(err)
	}
	if _, err := w.Register(world.Device{Vendor: vendorName, App: "chat", Token: "17731080000002274085543", Test: true}); err != nil {
		f.Fatal(err)
	}
	if _, err := w.Register(world.Device{Vendor: vendorName, App: "chat", Token: "17731080000002274085544"}); err != nil {
		f.Fatal(err)
	}
	h := e.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		e.mu.Lock()
		e.stateLocked()
		e.tokens["fuzz"] = authToken{appID: a.ID, expires: clock.Now().Add(time.Hour)}
		e.mu.Unlock()
		for _, path := range []string{"/message/auth", "/message/send", "/message/saveListPayload", "/message/pushToList", "/message/all",
			"/message/tagPush", "/tag/add", "/tag/update", "/tag/addMembers", "/tag/removeMembers"} {
			r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader([]byte(body)))
			r.Header.Set("authToken", "fuzz")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: status %d", path, rec.Code)
			}
			var ans struct {
				Result *int    `json:"result"`
				Desc   *string `json:"desc"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil || ans.Result == nil || ans.Desc == nil || *ans.Desc == "" {
				t.Fatalf("%s: answer %q is not vivo's envelope (%v)", path, rec.Body.String(), err)
			}
		}
	})
}
