package push

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestTextTakesAStringANumberOrNull(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    Text
		wantErr bool
	}{
		{`{"code":"80000000"}`, "80000000", false},
		{`{"code":200}`, "200", false},
		{`{"code":-2}`, "-2", false},
		{`{"code":1e3}`, "1e3", false}, // the number's text, not a reformatting
		{`{"code":"\u0032"}`, "2", false},
		{`{"code":null}`, "kept", false},
		{`{}`, "kept", false},
		{`{"code":true}`, "", true},
		{`{"code":{"a":1}}`, "", true},
		{`{"code":[1]}`, "", true},
	} {
		v := struct {
			Code Text `json:"code"`
		}{Code: "kept"}
		err := json.Unmarshal([]byte(c.in), &v)
		if (err != nil) != c.wantErr {
			t.Errorf("%s: err %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if !c.wantErr && v.Code != c.want {
			t.Errorf("%s: %q, want %q", c.in, v.Code, c.want)
		}
	}
}

func TestMarshalKeepsHTMLAsItIs(t *testing.T) {
	b, err := Marshal(map[string]string{"ext": `<b>&</b>`})
	if err != nil || string(b) != `{"ext":"<b>&</b>"}` {
		t.Errorf("%s, %v", b, err)
	}
	if _, err := Marshal(func() {}); err == nil {
		t.Error("a func marshalled")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"12", 12 * time.Second},
		{" 12 ", 12 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{" " + now.Add(30*time.Second).Format(http.TimeFormat) + " ", 30 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{now.Format(http.TimeFormat), 0},
	} {
		if got := RetryAfter(c.in, now); got != c.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestSnippetCutsAt120Bytes(t *testing.T) {
	if got := Snippet([]byte("<html>")); got != "<html>" {
		t.Errorf("short: %q", got)
	}
	long := strings.Repeat("x", 121)
	if got := Snippet([]byte(long)); got != long[:120]+"…" {
		t.Errorf("long: %q", got)
	}
	if got := Snippet([]byte(long[:120])); got != long[:120] {
		t.Errorf("exactly 120: %q", got)
	}
}

func TestAppendAllGivesEveryTokenTheResult(t *testing.T) {
	out := []Result{{Token: "first", Kind: Sent}}
	out = AppendAll(out, []string{"a", "b"}, Result{Token: "ignored", Kind: Rejected, Code: "80300007", InvalidToken: true})
	want := []Result{{Token: "first", Kind: Sent}, {Token: "a", Kind: Rejected, Code: "80300007", InvalidToken: true}, {Token: "b", Kind: Rejected, Code: "80300007", InvalidToken: true}}
	if len(out) != len(want) {
		t.Fatalf("%d results, want %d", len(out), len(want))
	}
	for i := range want {
		if out[i] != want[i] {
			t.Errorf("result %d: %+v, want %+v", i, out[i], want[i])
		}
	}
	if got := AppendAll(nil, nil, Result{Kind: Sent}); got != nil {
		t.Errorf("no tokens: %+v", got)
	}
}
