package oppo

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// TestReadForm checks readForm against Request.ParseForm: the same Form,
// PostForm and error for every kind of request parseForm may see.
func TestReadForm(t *testing.T) {
	big := "messages=" + strings.Repeat("x", maxBody)
	cases := []struct {
		method, target, ct, body string
		length                   int64 // declared; -2 = the body's length
	}{
		{"POST", "/p", "application/x-www-form-urlencoded", "a=1&b=%E4%BD%A0&a=2", -2},
		{"POST", "/p?q=1&a=0", "application/x-www-form-urlencoded;charset=UTF-8", "a=1&b=2", -2},
		{"POST", "/p", "application/x-www-form-urlencoded", "a=%zz&b=2", -2},
		{"POST", "/p?q=%zz", "application/x-www-form-urlencoded", "a=1", -2},
		{"POST", "/p", "application/x-www-form-urlencoded", "a=1;b=2", -2},
		{"POST", "/p", "application/json", `{"a":1}`, -2},
		{"POST", "/p", "", "a=1", -2},
		{"POST", "/p", "text/plain; charset", "a=1", -2},
		{"PUT", "/p", "application/x-www-form-urlencoded", "a=1", -2},
		{"GET", "/p?a=1", "application/x-www-form-urlencoded", "b=2", -2},
		{"POST", "/p", "application/x-www-form-urlencoded", "a=1&b=2", 3}, // longer than declared
		{"POST", "/p", "application/x-www-form-urlencoded", "a=1", 100},   // shorter than declared
		{"POST", "/p", "application/x-www-form-urlencoded", "a=1", -1},    // unknown length
		{"POST", "/p", "application/x-www-form-urlencoded", big, 10},      // over maxBody
		{"POST", "/p?x=1", "application/x-www-form-urlencoded", big, -2},  // declared over maxBody
		{"POST", "/p", "application/x-www-form-urlencoded", "", 0},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			req := func() *http.Request {
				r := httptest.NewRequest(c.method, c.target, io.NopCloser(strings.NewReader(c.body)))
				if c.ct != "" {
					r.Header.Set("Content-Type", c.ct)
				}
				r.ContentLength = int64(len(c.body))
				if c.length != -2 {
					r.ContentLength = c.length
				}
				r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, maxBody)
				return r
			}
			want, got := req(), req()
			werr, gerr := want.ParseForm(), readForm(got)
			if fmt.Sprint(werr) != fmt.Sprint(gerr) || reflect.TypeOf(werr) != reflect.TypeOf(gerr) {
				t.Fatalf("error %v (%T), ParseForm %v (%T)", gerr, gerr, werr, werr)
			}
			if !reflect.DeepEqual(got.Form, want.Form) || !reflect.DeepEqual(got.PostForm, want.PostForm) {
				t.Fatalf("form %v / %v, ParseForm %v / %v", short(got.Form), short(got.PostForm), short(want.Form), short(want.PostForm))
			}
		})
	}
}

func short(v map[string][]string) string {
	s := fmt.Sprint(v)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
