package apns

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzSend throws arbitrary paths, headers and bodies at the handler: it
// never panics, always answers an apns-id, and every refusal is one of
// Apple's reasons with its own status, in Apple's JSON.
func FuzzSend(f *testing.F) {
	f.Add("/3/device/TOKEN", "alert", "10", "TOPIC", "", "", "", benchBody)
	f.Add("/3/device/", "voip", "5", "TOPIC.voip", "c1", "0", "123e4567-e89b-12d3-a456-4266554400a0", `{"aps":{}}`)
	f.Add("/3/device/TOKEN", "background", "5", "TOPIC", "", "1772449200", "", `{"aps":{"content-available":1}}`)
	f.Add("/sandbox/3/device/TOKEN", "alert", "1", "TOPIC", strings.Repeat("x", 65), "-1", "nope", `[1,2]`)
	f.Add("/3/device/TOKEN", "alert", "10", "TOPIC", "", "", "", `{"aps":{"alert":{"loc-key":"%1$@ %@ %%","loc-args":["a",1,{"b":[]}]},"badge":1e3,"sound":{"critical":true,"name":"x"}},"k":"\ud83d\ude00\u0000"}`)
	f.Add("/2/x", "nope", "7", "", "", "x", "", "")
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, path, pushType, priority, topic, collapse, expiration, apnsID, body string) {
		path = strings.ReplaceAll(path, "TOKEN", fx.dev.Token)
		topic = strings.ReplaceAll(topic, "TOPIC", fx.app.Package)
		r := httptest.NewRequest(http.MethodPost, "http://"+HostProduction+"/", strings.NewReader(body))
		r.URL.Path = path
		set := func(k, v string) {
			if v != "" {
				r.Header[k] = []string{v}
			}
		}
		set("Authorization", "bearer "+fx.jwt)
		set("Apns-Push-Type", pushType)
		set("Apns-Priority", priority)
		set("Apns-Topic", topic)
		set("Apns-Collapse-Id", collapse)
		set("Apns-Expiration", expiration)
		set("Apns-Id", apnsID)
		rec := httptest.NewRecorder()
		fx.e.ServeHTTP(rec, r)
		if rec.Header().Get("Apns-Id") == "" {
			t.Fatalf("no apns-id (status %d)", rec.Code)
		}
		if rec.Code == http.StatusOK {
			if rec.Body.Len() != 0 {
				t.Fatalf("200 with a body: %s", rec.Body)
			}
			return
		}
		var ans struct {
			Reason    string `json:"reason"`
			Timestamp *int64 `json:"timestamp"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
			t.Fatalf("status %d answer %q: %v", rec.Code, rec.Body, err)
		}
		if want, ok := reasons[ans.Reason]; !ok || want != rec.Code {
			t.Fatalf("status %d with reason %q", rec.Code, ans.Reason)
		}
		if (ans.Timestamp != nil) != (rec.Code == http.StatusGone) {
			t.Fatalf("timestamp on %d: %v", rec.Code, ans.Timestamp)
		}
	})
}

// FuzzPayload checks the one-pass reader against encoding/json: the same
// bodies are JSON objects, and custom string values decode the same.
func FuzzPayload(f *testing.F) {
	for _, s := range []string{
		benchBody, `{}`, `[]`, `{"aps":1}`, `{"a":"\u00e9\ud800x","b":[1,{"c":null}],"aps":{"alert":"x"}}`,
		`{"a":01}`, `{"a":1.}`, `{"a":-0.5e+3}`, `{"a":"x"} x`, `{"a":tru}`, `{"a" :"b" , "c":{ }}`, `{"\u0061ps":{"badge":2}}`,
		"{\"a\":\"\x01\"}", `{"a":"\"\\\/\b\f\n\r\t"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, ok := readPayload(b)
		var top map[string]json.RawMessage
		err := json.Unmarshal(b, &top)
		isObject := err == nil && bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("{"))
		if ok != isObject {
			t.Fatalf("reader says object=%v, encoding/json %v (%v) for %q", ok, isObject, err, b)
		}
		if !ok {
			return
		}
		for k, raw := range top {
			if k == "aps" {
				continue
			}
			var s string
			if json.Unmarshal(raw, &s) == nil && bytes.Equal([]byte(s), []byte(strings.ToValidUTF8(s, "\uFFFD"))) && s != p.custom[k] {
				if !strings.Contains(s, "\uFFFD") { // encoding/json replaces bad bytes and lone surrogates
					t.Fatalf("key %q: reader %q, encoding/json %q", k, p.custom[k], s)
				}
			}
		}
	})
}
