package hms

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

func TestWholeDecidesBeforeTheCode(t *testing.T) {
	for _, c := range []struct {
		name  string
		reply Reply
		whole bool
		want  push.Result
	}{
		{"transport", Reply{Transport: errors.New("reset"), RetryAfter: time.Second}, true, push.Result{Kind: push.Retryable, Code: "transport", Reason: "reset", RetryAfter: time.Second}},
		{"unreadable 503", Reply{Status: 503, Raw: []byte("busy"), RetryAfter: 5 * time.Second}, true, push.Result{Kind: push.Retryable, Code: "HTTP 503", Reason: "Service Unavailable", RetryAfter: 5 * time.Second}},
		{"unreadable 429", Reply{Status: 429}, true, push.Result{Kind: push.Retryable, Code: "HTTP 429", Reason: "Too Many Requests"}},
		{"unreadable 200", Reply{Status: 200, Raw: []byte("<html>"), RetryAfter: time.Second}, true, push.Result{Kind: push.Retryable, Code: "malformed-answer", Reason: "<html>"}},
		{"unreadable 404", Reply{Status: 404, Raw: []byte("nope")}, true, push.Result{Kind: push.Rejected, Code: "HTTP 404", Reason: "nope"}},
		{"a code with a 503", Reply{Status: 503, Parsed: true, Code: "80000000", RetryAfter: 5 * time.Second}, true, push.Result{Kind: push.Retryable, Code: "80000000", Reason: "msg", RetryAfter: 5 * time.Second}},
		{"a code with a 400", Reply{Status: 400, Parsed: true, Code: "80300007"}, false, push.Result{}},
		{"a code with a 200", Reply{Status: 200, Parsed: true, Code: "200"}, false, push.Result{}},
	} {
		got, whole := c.reply.Whole("msg")
		if whole != c.whole || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v, %v", c.name, got, whole, c.want, c.whole)
		}
	}
}

func TestAuthRefused(t *testing.T) {
	for _, c := range []struct {
		reply Reply
		want  bool
	}{
		{Reply{Parsed: true, Code: CodeAuth, Status: 401}, true},
		{Reply{Parsed: true, Code: CodeExpired, Status: 200}, true},
		{Reply{Parsed: true, Code: "80300007", Status: 401}, false}, // the code decides
		{Reply{Status: http.StatusUnauthorized}, true},
		{Reply{Status: http.StatusUnauthorized, Transport: errors.New("cut")}, false},
		{Reply{Status: http.StatusForbidden}, false},
	} {
		if got := c.reply.AuthRefused(); got != c.want {
			t.Errorf("%+v: %v, want %v", c.reply, got, c.want)
		}
	}
}
