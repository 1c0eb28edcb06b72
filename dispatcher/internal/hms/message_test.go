package hms

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

func TestDataCarriesExtrasAndTheExtByteForByte(t *testing.T) {
	if b := Data(push.Push{Title: "no ext, no extras"}); b != nil {
		t.Errorf("empty: %q", b)
	}
	ext := `{"chatId":42,"html":"<b>&</b>","emoji":"😀"}`
	b := Data(push.Push{Ext: ext, Extras: map[string]string{ExtKey: "loses", "k": "v"}})
	if strings.Contains(string(b), `\u003c`) {
		t.Errorf("HTML escaped: %s", b)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil || m[ExtKey] != ext || m["k"] != "v" || len(m) != 2 {
		t.Errorf("%s: %v, %v", b, m, err)
	}
}

func TestEncodeAppliesRawWithTheVendorsMarshal(t *testing.T) {
	body := map[string]any{"data": "<b>", "android": map[string]any{"ttl": "60s"}}
	raw := map[string]string{"android.notification.image": `"https://i"`, "android.ttl": "120s", "validate_only": "true"}
	for _, c := range []struct {
		name    string
		marshal func(any) ([]byte, error)
		want    string
	}{
		{"push.Marshal (Honor, v3)", push.Marshal, `{"android":{"notification":{"image":"https://i"},"ttl":"120s"},"data":"<b>","validate_only":true}`},
		{"json.Marshal (Huawei v1)", json.Marshal, `{"android":{"notification":{"image":"https://i"},"ttl":"120s"},"data":"\u003cb\u003e","validate_only":true}`},
	} {
		b, err := Encode(body, raw, c.marshal)
		if err != nil || string(b) != c.want {
			t.Errorf("%s: %s, %v\nwant %s", c.name, b, err, c.want)
		}
	}
	if b, err := Encode(body, nil, push.Marshal); err != nil || string(b) != `{"android":{"ttl":"60s"},"data":"<b>"}` {
		t.Errorf("no raw: %s, %v", b, err)
	}
	if _, err := Encode(body, map[string]string{"data.x": "1"}, push.Marshal); err == nil || !strings.Contains(err.Error(), `raw "data.x": data is not an object`) {
		t.Errorf("a path through a string: %v", err)
	}
}

func TestClickKeepsTheVendorsClickTypes(t *testing.T) {
	for _, c := range []struct {
		click      push.Click
		withAction bool
		want       ClickAction
	}{
		{push.Click{Type: "intent", Target: "intent://x"}, false, ClickAction{Type: 1, Intent: "intent://x"}},
		{push.Click{Type: "activity", Target: ".Main"}, false, ClickAction{Type: 1, Intent: "intent:#Intent;component=com.x/.Main;end"}},
		{push.Click{Type: "url", Target: "https://x"}, false, ClickAction{Type: 2, URL: "https://x"}},
		{push.Click{Type: "launcher"}, false, ClickAction{Type: 3}},
		{push.Click{}, true, ClickAction{Type: 3}},
		{push.Click{Type: "action", Target: "com.x.OPEN"}, true, ClickAction{Type: 1, Action: "com.x.OPEN"}}, // Honor
		{push.Click{Type: "action", Target: "com.x.OPEN"}, false, ClickAction{Type: 3}},                      // Huawei v1
	} {
		if got := Click("com.x", c.click, c.withAction); got != c.want {
			t.Errorf("%+v, action %v: %+v, want %+v", c.click, c.withAction, got, c.want)
		}
	}
}

func TestTTLBiTagNotifyID(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{time.Millisecond, "1s"}, {90 * time.Second, "90s"}, {1500 * time.Millisecond, "2s"}, {40 * 24 * time.Hour, "1296000s"}} {
		if got := TTL(c.d, 15*24*time.Hour); got != c.want {
			t.Errorf("TTL(%v) = %s, want %s", c.d, got, c.want)
		}
	}
	if BiTag("m-1") != "m-1" || BiTag(strings.Repeat("x", 64)) == "" || BiTag(strings.Repeat("x", 65)) != "" {
		t.Error("BiTag: an id of up to 64 characters, else none")
	}
	if NotifyID("") != nil {
		t.Error("NotifyID without one: want nil")
	}
	if id := NotifyID("12"); id == nil || *id != 12 {
		t.Errorf("NotifyID(12) = %v", id)
	}
}
