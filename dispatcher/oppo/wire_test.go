package oppo

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// TestBatchJSON checks that the batch written directly is byte for byte
// json.Marshal of the messages, HTML characters, line separators and odd
// tokens included.
func TestBatchJSON(t *testing.T) {
	c := &Client{cert: push.Certificate{Channel: "im", Category: "IM", TemplateID: "tpl", Click: push.Click{Type: "activity", Target: ".Main"}, Package: "com.example"}}
	var notifs [][]byte
	for _, p := range []push.Push{
		{Title: "Alice", Body: "hi <b>&</b> \"q\" \\ 你好 \u2028 \u2029 😀", Ext: `{"a":"<x>"}`, Badge: 2, NotifyID: "m1"},
		{Title: "t", Body: "b"},
	} {
		n, err := c.notification(p)
		if err != nil {
			t.Fatal(err)
		}
		notifs = append(notifs, n)
	}
	notifs = append(notifs, []byte(`{}`))
	tokens := []string{"OPPO_CN_0123456789abcdef0123456789abcdef", "", `q"b\s`, "<&>", "ctl\x01", "ü", "bad\xff", "\u2028"}
	for _, id := range []string{"m1", ""} {
		for _, n := range notifs {
			ms := make([]message, len(tokens))
			for i, tok := range tokens {
				ms[i] = newMessage(id, n, tok)
			}
			want, err := json.Marshal(ms)
			if err != nil {
				t.Fatal(err)
			}
			if got := batchJSON(id, n, tokens); got != string(want) {
				t.Errorf("id %q notif %s:\n got %s\nwant %s", id, n, got, want)
			}
		}
	}
}

// TestEncodeForm checks encodeForm against url.Values.Encode.
func TestEncodeForm(t *testing.T) {
	for _, fields := range []url.Values{
		{"messages": {`[{"a":"b c+d&e=f/你好~-_.%"}]`}},
		{"message": {"x"}, "zeta": {"1", "2"}, "auth_token": {"old"}},
		{},
	} {
		for _, tok := range []string{"tok-123", "a b&c", ""} {
			f := url.Values{}
			for k, v := range fields {
				f[k] = v
			}
			f.Set("auth_token", tok)
			if got, want := string(encodeForm(fields, tok)), f.Encode(); got != want {
				t.Errorf("%v %q:\n got %s\nwant %s", fields, tok, got, want)
			}
		}
	}
	var all []byte
	for c := range 256 {
		all = append(all, byte(c))
	}
	if got, want := string(appendQueryEscape(nil, string(all))), url.QueryEscape(string(all)); got != want {
		t.Errorf("escape:\n got %s\nwant %s", got, want)
	}
}
