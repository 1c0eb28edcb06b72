package oppo

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// batchSeeds are messages texts: what clients send, and what they should not.
var batchSeeds = []string{
	`[{"target_type":2,"target_value":"OPPO_CN_0123456789abcdef0123456789abcdef","notification":{"app_message_id":"pm0123","title":"Everyone","content":"group message 1","channel_id":"im","category":"IM","private_msg_template_id":"tpl","click_action_type":4,"click_action_activity":"com.example.chat.MainActivity","action_parameters":"{\"ext\":\"{\\\"conv\\\":\\\"everyone\\\"}\"}","notify_id":123,"badge_message_count":3,"badge_operation_type":0}},{"target_type":2,"target_value":"OPPO_CN_1123456789abcdef0123456789abcdef","notification":{"app_message_id":"pm0124","title":"Everyone","content":"group message 1"}}]`,
	` [ { "targetType" : "2" , "targetValue" : "CN_0123456789abcdef0123456789abcdef" , "notification" : { "title" : "t" , "content" : "c" , "clickActionType" : "5" , "clickActionUrl" : "intent://x" , "offLine" : "true" , "offLineTtl" : 3.0e2 } } ] `,
	`[{"target_type":2,"notification":{"title":null,"content":1,"off_line":"yes","notify_level":1e3}}]`,
	`[{"target_type":2,"notification":{"title":"a"},"notification":{"content":"b"},"notification":{"title":null}}]`,
	`[{"notification":{"action_parameters":{"a":1}}}]`,
	`[{"notification":null}]`, `[null]`, `[]`, `[{}]`, `null`, `{}`, `[`, `[{}`, `[{},]`, `[{}] x`, `[{"Title":"x"}]`,
	`[{"TARGET_TYPE":2}]`, `[{"target_type":01}]`, `[{"target_type":-0}]`, `[{"target_type":1.}]`, `[{"target_type":.5}]`,
	`[{"target_type":1e}]`, `[{"target_type":-}]`, `[{"target_type":tru}]`, `[{"target_type":true}]`, `[{"verify_registration_id":1}]`,
	`[{"target_value":"a\u00e9\ud83d\ude00\ud800 \/ \b\f\n\r\t"}]`, `[{"target_value":"bad \x escape"}]`, `[{"target_value":"ctl ` + "\x01" + `"}]`,
	`[{"target_value":"\u12"}]`, "[{\"target_value\":\"\xff\xfe invalid utf8\"}]", "[{\"target_value\":\"\xff\\n\"}]",
	`[{"target\u005fvalue":"x"}]`, `[{"unknown":1}]`, `[{"notification":{"unknown":"x"}}]`, `[{"notification":[]}]`,
	`[{"target_value":"x"}{"target_value":"y"}]`, `[{"target_value" "x"}]`, `[{"target_value":"x",}]`, "[{\"target_value\":\"x\"}]\n\t\r ",
}

// TestDecodeMessages checks decodeMessages against json.Unmarshal on the
// seeds, and that the batch clients send takes the fast path.
func TestDecodeMessages(t *testing.T) {
	for _, s := range batchSeeds {
		compareDecode(t, s)
	}
	if _, ok := fastMessages([]byte(batchSeeds[0])); !ok {
		t.Fatal("the client's batch does not take the fast path")
	}
	if _, ok := fastMessages([]byte(batchSeeds[1])); !ok {
		t.Fatal("a camelCase batch with spaces does not take the fast path")
	}
	big := "[" + strings.Repeat(strings.Trim(batchSeeds[0], "[]")+",", 499) + strings.Trim(batchSeeds[0], "[]") + "]"
	if ms, ok := fastMessages([]byte(big)); !ok || len(ms) != 1000 {
		t.Fatalf("a 1000-message batch: %d messages, fast %v", len(ms), ok)
	}
}

// FuzzDecodeMessages: decodeMessages is json.Unmarshal, whatever the text.
func FuzzDecodeMessages(f *testing.F) {
	for _, s := range batchSeeds {
		f.Add(s)
	}
	f.Fuzz(compareDecode)
}

func compareDecode(t *testing.T, s string) {
	got, gerr := decodeMessages(s)
	var want []message
	werr := json.Unmarshal([]byte(s), &want)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("%q: error %v, json.Unmarshal %v", s, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %+v\nwant %+v", s, got, want)
	}
}

// paramSeeds are action_parameters texts.
var paramSeeds = []string{
	`{"ext":"{\"conv\":\"everyone\"}"}`, ` {"a":"1","b":"x y"} `, `{}`, `{"a":"1","a":"2"}`, `{"a":1}`, `{"a":{"b":"c"}}`,
	`{"a":"\u00e9"}`, `{"a":"é\n"}`, `{"é":"x"}`, `{"a":"é"}`, `{"a":"\/\b\f\n\r\t\\\""}`, `{"a\"b":"c"}`, `{"a":"x"} `,
	"\u00a0{\"a\":\"x\"}\u0085", `{"a":"x",}`, `{"a" "x"}`, `{"a":"x"}}`, `[]`, `null`, ``, `{`, `{"a":"x"`, "{\"a\":\"\xff\"}",
	"{\"a\":\"\xff\\n\"}", `{"a":null}`, `{"a":true}`, `{"a":"ctl` + "\x01" + `"}`, `{"a":"\x"}`,
}

// TestParameters checks the action_parameters fast path against the
// encoding/json one, and that an IM client's ext takes it.
func TestParameters(t *testing.T) {
	for _, s := range paramSeeds {
		compareParameters(t, s)
	}
	if _, ok := fastParameters([]byte(paramSeeds[0])); !ok {
		t.Fatal("an ext does not take the fast path")
	}
}

// FuzzParameters: parseParameters is its encoding/json path, whatever the text.
func FuzzParameters(f *testing.F) {
	for _, s := range paramSeeds {
		f.Add(s)
	}
	f.Fuzz(compareParameters)
}

func compareParameters(t *testing.T, s string) {
	got, gerr := parseParameters(s)
	want, werr := jsonParameters(s)
	if (gerr == nil) != (werr == nil) || gerr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: %v (%v), encoding/json %v (%v)", s, got, gerr, want, werr)
	}
}

// jsonParameters is parseParameters without the fast path.
func jsonParameters(s string) (map[string]string, error) {
	b := bytes.TrimSpace([]byte(s))
	if len(b) == 0 || b[0] != '{' {
		return nil, errType
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(obj))
	for k, v := range obj {
		out[k] = rawString(v)
	}
	return out, nil
}
