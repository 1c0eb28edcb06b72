package hms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// ExtKey is the data key that carries Push.Ext, on Huawei (v1, v3) and
// Honor alike.
const ExtKey = "ext"

// Data is the data a push hands the app: a JSON object of Push.Extras plus
// Push.Ext under ExtKey (Ext wins over an extra of the same name), nil when
// both are empty. Huawei and Honor phones hand a tapped notification's data
// to the opened activity (a HarmonyOS ability) as extras, one per key, so
// the app reads getExtras().getString("ext") and gets the IM ext byte for
// byte (what the guide's step 8 app reads first); a data message carries
// the same object to onMessageReceived. The raw ext as data would give the
// app ext's own keys instead, and no "ext".
func Data(p push.Push) []byte {
	if p.Ext == "" && len(p.Extras) == 0 {
		return nil
	}
	m := make(map[string]string, len(p.Extras)+1)
	for k, v := range p.Extras {
		m[k] = v
	}
	if p.Ext != "" {
		m[ExtKey] = p.Ext
	}
	b, _ := push.Marshal(m) // a map of strings always encodes
	return b
}

// Encode marshals a request body with marshal (push.Marshal; json.Marshal
// where a client has always escaped HTML) and applies Push.Raw: each key is a
// dotted path from the body's root ("android.notification.image"); a value
// that is valid JSON is set as that JSON, any other value as a string.
func Encode(body any, raw map[string]string, marshal func(any) ([]byte, error)) ([]byte, error) {
	b, err := marshal(body)
	if err != nil || len(raw) == 0 {
		return b, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	for path, v := range raw {
		var val any = v
		var j any
		if json.Unmarshal([]byte(v), &j) == nil {
			val = j
		}
		if err := setPath(doc, strings.Split(path, "."), val); err != nil {
			return nil, fmt.Errorf("raw %q: %w", path, err)
		}
	}
	return marshal(doc)
}

func setPath(doc map[string]any, path []string, v any) error {
	for _, k := range path[:len(path)-1] {
		next, ok := doc[k].(map[string]any)
		if !ok {
			if doc[k] != nil {
				return fmt.Errorf("%s is not an object", k)
			}
			next = map[string]any{}
			doc[k] = next
		}
		doc = next
	}
	doc[path[len(path)-1]] = v
	return nil
}

// TTL formats android.ttl ("86400s"): whole seconds rounded up, at least
// 1 s and at most limit (the vendor's MaxTTL).
func TTL(d, limit time.Duration) string {
	d = min(d, limit)
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10) + "s"
}

// BiTag is the bi_tag (Huawei v1) / biTag (Honor, Huawei v3) a push
// carries: its id, which delivery receipts echo; none for an id over the
// field's 64 characters.
func BiTag(id string) string {
	if len(id) > 64 {
		return ""
	}
	return id
}

// NotifyID is the notify_id / notifyId field for a Push.NotifyID: the
// Android notification id it stands for, nil (absent) without one.
func NotifyID(s string) *int {
	if s == "" {
		return nil
	}
	id := int(push.AndroidNotifyID(s))
	return &id
}

// ClickAction is Huawei v1's android.notification.click_action and
// Honor's android.notification.clickAction: the same object with the same
// keys (Honor §2.6).
type ClickAction struct {
	Type   int    `json:"type"`
	Intent string `json:"intent,omitempty"`
	Action string `json:"action,omitempty"`
	URL    string `json:"url,omitempty"`
}

// Click maps a click onto a ClickAction of app pkg: type 1 opens an intent
// URI (an activity as the intent that names it), type 2 a URL, type 3 the
// app. withAction: an intent-filter action is a type 1 too (Honor, §2.6);
// without it (the Huawei v1 client sends no action) an action click opens
// the app.
func Click(pkg string, c push.Click, withAction bool) ClickAction {
	switch {
	case c.Type == "intent":
		return ClickAction{Type: 1, Intent: c.Target}
	case c.Type == "activity":
		return ClickAction{Type: 1, Intent: push.ActivityIntent(pkg, c.Target)}
	case c.Type == "action" && withAction:
		return ClickAction{Type: 1, Action: c.Target}
	case c.Type == "url":
		return ClickAction{Type: 2, URL: c.Target}
	}
	return ClickAction{Type: 3}
}
