package harness

import (
	"net/http"
	"strings"
	"testing"
)

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc… (3 more characters)"},
		{"标标标标", 2, "标标… (2 more characters)"},
		{"标标", 2, "标标"},
		{"", 0, ""},
	} {
		if got := cut(tc.s, tc.n); got != tc.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestRequestDetailOfHugeBodies(t *testing.T) {
	form, _ := http.NewRequest(http.MethodPost, "http://x/y", nil)
	form.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	body := []byte("title=" + strings.Repeat("a", 8<<20))
	d := requestDetail(form, body)
	if len(d) > 4096 || !strings.Contains(d, "more bytes") || !strings.HasPrefix(strings.SplitN(d, "\n", 2)[1], "title=aaa") {
		t.Errorf("form detail (%d bytes): %.300s", len(d), d)
	}
	raw, _ := http.NewRequest(http.MethodPost, "http://x/y", nil)
	raw.Header.Set("Content-Type", "application/json")
	d = requestDetail(raw, []byte(`{"x":"`+strings.Repeat("字", 4<<20)+`"}`))
	if len([]rune(d)) > traceBodyMax+100 || !strings.Contains(d, "more bytes") {
		t.Errorf("json detail (%d runes): %.200s", len([]rune(d)), d)
	}
}
