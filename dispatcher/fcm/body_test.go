package fcm

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// TestBodyTemplate checks that the request rendered from the template is
// byte for byte the one json.Marshal gives, for tokens that need escaping
// too, and that a Raw push still goes through the full encoding.
func TestBodyTemplate(t *testing.T) {
	c := &Client{cert: push.Certificate{Channel: "im", Sound: "ding", Click: push.Click{Type: "activity", Target: "com.example.OPEN"}}}
	pushes := []push.Push{
		{ID: "m1", Title: "Alice", Body: "hi <b>&</b> \"quoted\" \\ 你好 \u2028", Ext: `{"a":1}`, Badge: 3, TTL: 1500 * time.Millisecond},
		{ID: "m2", PassThrough: true, Ext: "x"},
		{ID: "m3", Title: "t", Body: "b", NoChannel: true, Extras: map[string]string{"token": "", "k": "v"}},
	}
	tokens := []string{"", "plain:APA91b-_x", `quote"back\slash`, "<html>&amp;", "ctl\x01\n", "ünïcode", "bad\xffutf8", "\u2028sep"}
	for _, p := range pushes {
		m := c.message(p)
		if m.head == nil {
			t.Fatalf("%s: no template", p.ID)
		}
		for _, tok := range tokens {
			got, err := m.body(tok)
			if err != nil {
				t.Fatal(err)
			}
			one := *m
			one.Token = tok
			want, _ := json.Marshal(sendBody{Message: &one})
			if !bytes.Equal(got, want) {
				t.Errorf("%s %q:\n got %s\nwant %s", p.ID, tok, got, want)
			}
		}
	}
	m := c.message(push.Push{ID: "m4", Title: "t", Body: "b", Raw: map[string]string{"android.collapse_key": "c"}})
	if m.head != nil {
		t.Fatal("a Raw push has a template")
	}
	b, err := m.body("tok")
	if err != nil || !bytes.Contains(b, []byte(`"collapse_key":"c"`)) || !bytes.Contains(b, []byte(`"token":"tok"`)) {
		t.Fatalf("raw body %s, %v", b, err)
	}
}

var answerSeeds = []string{
	`{"name":"projects/p/messages/0:1234"}`, "{\n  \"name\": \"projects/p/messages/0:1234\"\n}\n", `{"name":""}`, `{"name":"a\"b"}`,
	`{"name":"é"}`, `{"NAME":"x"}`, `{"name":"x","other":1}`, `{"name":"x"} x`, `{"name":1}`, `{"name":null}`, `{"name":"x"`,
	`{"name":"x\u0041"}`, "{\"name\":\"tab\there\"}", ` { "name" : "x" } `, `[]`, ``, `{}`,
}

// TestAnswerName checks the success answer's reader against json.Unmarshal.
func TestAnswerName(t *testing.T) {
	for _, s := range answerSeeds {
		compareAnswer(t, s)
	}
	if _, ok := answerName([]byte("{\n  \"name\": \"projects/p/messages/0:1\"\n}\n")); !ok {
		t.Fatal("FCM's own answer is not read directly")
	}
}

// FuzzAnswerName: answerName, when it answers, is json.Unmarshal.
func FuzzAnswerName(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add(s)
	}
	f.Fuzz(compareAnswer)
}

func compareAnswer(t *testing.T, s string) {
	name, ok := answerName([]byte(s))
	if !ok {
		return
	}
	var want struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(s), &want); err != nil || want.Name != name {
		t.Fatalf("%q: %q, json.Unmarshal %q (%v)", s, name, want.Name, err)
	}
}
