package android_test

import (
	"strings"
	"testing"

	"github.com/pushsim/pushsim/android"
)

func TestParseUri(t *testing.T) {
	tests := []struct {
		in               string
		scheme, host     string
		port             int
		path             string
		hasHost, hasPath bool
	}{
		{"pushscheme://com.tencent.qcloud/detail", "pushscheme", "com.tencent.qcloud", -1, "/detail", true, true},
		{"chat://open:8080/c/%E4%BD%A0?x=1#f", "chat", "open", 8080, "/c/你", true, true},
		{"https://user@Example.com:x/p", "https", "Example.com:x", -1, "/p", true, true}, // ":x" is not a port
		{"tel:123", "tel", "", -1, "", false, false},                                     // opaque: no path
		{"scheme:", "scheme", "", -1, "", false, false},
		{"//host/p", "", "host", -1, "/p", true, true},
		{"app://h?q", "app", "h", -1, "", true, true},
	}
	for _, tt := range tests {
		u := android.ParseUri(tt.in)
		if u.Scheme != tt.scheme || u.Host != tt.host || u.Port != tt.port || u.Path != tt.path || u.HasHost != tt.hasHost || u.HasPath != tt.hasPath {
			t.Errorf("ParseUri(%q) = scheme %q host %q (%v) port %d path %q (%v); want %q %q (%v) %d %q (%v)",
				tt.in, u.Scheme, u.Host, u.HasHost, u.Port, u.Path, u.HasPath, tt.scheme, tt.host, tt.hasHost, tt.port, tt.path, tt.hasPath)
		}
	}
	if got := android.Decode("a%zzb%E4%BD"); got != "a\uFFFDb\uFFFD" {
		t.Errorf("Decode of broken escapes = %q", got)
	}
}

// Cases from PatternMatcher's documented PATTERN_SIMPLE_GLOB behaviour.
func TestPathGlob(t *testing.T) {
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"/detail", "/detail", true},
		{"/c/.*", "/c/1/2", true},
		{"/c/.*", "/c/", true},
		{".*", "", true},
		{".*\\.png", "/a/b.png", true},
		{".*\\.png", "/a/bpng", false},
		{"/a.c", "/abc", true},
		{"/ab*c", "/ac", true},
		{"/ab*c", "/abbbc", true},
		{"/ab*c", "/adc", false},
		{"/x/.*/y", "/x/1/y", true},
		{"/x/.*/y", "/x/1/z", false},
		{"", "", true},
		{"", "/", false},
	}
	for _, tt := range tests {
		p := android.PathPattern{Kind: android.PathGlob, Pattern: tt.pattern}
		if got := p.Match(tt.path); got != tt.want {
			t.Errorf("pathPattern %q on %q = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
	for _, tt := range []struct {
		p    android.PathPattern
		path string
		want bool
	}{
		{android.PathPattern{Kind: android.PathPrefix, Pattern: "/c/"}, "/c/9", true},
		{android.PathPattern{Kind: android.PathPrefix, Pattern: "/c/"}, "/c", false},
		{android.PathPattern{Kind: android.PathSuffix, Pattern: ".html"}, "/a.html", true},
		{android.PathPattern{Kind: android.PathAdvanced, Pattern: "/c/[0-9]+"}, "/c/123", true},
		{android.PathPattern{Kind: android.PathAdvanced, Pattern: "/c/[0-9]+"}, "/c/x", false},
		{android.PathPattern{Kind: android.PathLiteral, Pattern: "/Detail"}, "/detail", false},
	} {
		if got := tt.p.Match(tt.path); got != tt.want {
			t.Errorf("%s %q on %q = %v, want %v", tt.p.Kind, tt.p.Pattern, tt.path, got, tt.want)
		}
	}
}

func TestFilterMatch(t *testing.T) {
	deepLink := android.IntentFilter{
		Actions:     []string{android.ActionView},
		Categories:  []string{android.CategoryDefault, android.CategoryBrowsable},
		Schemes:     []string{"pushscheme"},
		Authorities: []android.Authority{{Host: "com.tencent.qcloud", Port: -1}},
		Paths:       []android.PathPattern{{Kind: android.PathLiteral, Pattern: "/detail"}},
	}
	view := func(data string) *android.Intent {
		in, _ := android.ParseIntentURI(data)
		return in
	}
	tests := []struct {
		name   string
		f      android.IntentFilter
		in     *android.Intent
		ok     bool
		reason string
	}{
		{"the guide's deep link", deepLink, view("pushscheme://com.tencent.qcloud/detail"), true, ""},
		{"hosts compare case-insensitively", deepLink, view("pushscheme://COM.tencent.qcloud/detail"), true, ""},
		{"schemes do not", deepLink, view("PushScheme://com.tencent.qcloud/detail"), false, `scheme "PushScheme"`},
		{"wrong host", deepLink, view("pushscheme://com.tencent/detail"), false, `host "com.tencent"`},
		{"wrong path", deepLink, view("pushscheme://com.tencent.qcloud/chat"), false, `path "/chat"`},
		{"no data", deepLink, &android.Intent{Action: android.ActionView}, false, "has no data"},
		{"another action", deepLink, &android.Intent{Action: "x.OPEN"}, false, "action x.OPEN"},
		{"DEFAULT missing", android.IntentFilter{Actions: []string{"x.OPEN"}}, &android.Intent{Action: "x.OPEN"}, false, "android.intent.category.DEFAULT"},
		{"action filter without data takes no data", android.IntentFilter{Actions: []string{"x.OPEN"}, Categories: []string{android.CategoryDefault}},
			view("intent:#Intent;action=x.OPEN;scheme=s;end"), false, "has no <data>"},
		{"wildcard host and port", android.IntentFilter{Actions: []string{android.ActionView}, Categories: []string{android.CategoryDefault},
			Schemes: []string{"https"}, Authorities: []android.Authority{{Host: "*.example.com", Port: 8443}}},
			view("https://m.example.com:8443/x"), true, ""},
		{"port must match", android.IntentFilter{Actions: []string{android.ActionView}, Categories: []string{android.CategoryDefault},
			Schemes: []string{"https"}, Authorities: []android.Authority{{Host: "*.example.com", Port: 8443}}},
			view("https://m.example.com/x"), false, "port"},
		{"paths are ignored without a host", android.IntentFilter{Actions: []string{android.ActionView}, Categories: []string{android.CategoryDefault},
			Schemes: []string{"chat"}, Paths: []android.PathPattern{{Kind: android.PathLiteral, Pattern: "/x"}}},
			view("chat://anything/else"), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.f.Match(tt.in, android.CategoryDefault)
			if r.OK != tt.ok || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("Match = %v %q, want %v containing %q", r.OK, r.Reason, tt.ok, tt.reason)
			}
		})
	}
}
