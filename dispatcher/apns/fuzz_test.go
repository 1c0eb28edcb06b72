package apns

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func fuzzClient(t testing.TB, rt http.RoundTripper) *Client {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	p8 := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	c, err := New(push.Certificate{Vendor: Vendor, AppID: "TEAM123456", AppKey: "KEY1234567", AppSecret: p8, Package: "com.example.chat"},
		push.Options{HTTPClient: &http.Client{Transport: rt}, Now: func() time.Time { return time.Unix(1772445600, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	return c.(*Client)
}

var validKinds = map[push.Kind]bool{push.Sent: true, push.Rejected: true, push.Retryable: true}

// FuzzAnswer: whatever APNs (or something in between) answers, the client
// returns exactly one classified Result for the token and never panics.
func FuzzAnswer(f *testing.F) {
	f.Add(200, "", "")
	f.Add(410, `{"reason":"Unregistered","timestamp":1772445600000}`, "")
	f.Add(429, `{"reason":"TooManyRequests"}`, "Wed, 21 Oct 2099 07:28:00 GMT")
	f.Add(403, `{"reason":"ExpiredProviderToken"}`, "")
	f.Add(503, `<html>`, "-1")
	f.Add(400, `{"reason":7}`, "30")
	f.Fuzz(func(t *testing.T, status int, body, retry string) {
		if status < 100 || status > 999 {
			status = 500
		}
		c := fuzzClient(t, roundTrip(func(r *http.Request) (*http.Response, error) {
			h := http.Header{"Retry-After": {retry}}
			return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
		}))
		rs := c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, []string{"aa"})
		if len(rs) != 1 || rs[0].Token != "aa" || !validKinds[rs[0].Kind] || rs[0].RetryAfter < 0 {
			t.Fatalf("results %+v", rs)
		}
		if (rs[0].Kind == push.Sent) != (status == 200) {
			t.Fatalf("status %d → %s", status, rs[0].Kind)
		}
	})
}

// FuzzPayload: every payload the client sends is JSON within 4096 bytes
// that carries ext unchanged; one it cannot send is refused locally.
func FuzzPayload(f *testing.F) {
	f.Add("Bob", "hi", `{"conv":"c1"}`, "conv-1", 3, false)
	f.Add("", strings.Repeat("会", 3000), "", "", 0, false)
	f.Add("t", "b", strings.Repeat("x", 5000), "", 1, true)
	f.Add("\x00\"", "\xed\xa0\x80", "<>&", strings.Repeat("n", 100), -4, false)
	f.Fuzz(func(t *testing.T, title, body, ext, notifyID string, badge int, passThrough bool) {
		var sent []byte
		c := fuzzClient(t, roundTrip(func(r *http.Request) (*http.Response, error) {
			sent, _ = io.ReadAll(r.Body)
			if id := r.Header.Get("apns-collapse-id"); len(id) > 64 {
				t.Fatalf("collapse id of %d bytes", len(id))
			}
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
		}))
		rs := c.Send(context.Background(), push.Push{ID: "m", Title: title, Body: body, Ext: ext, NotifyID: notifyID, Badge: badge, PassThrough: passThrough}, []string{"aa"})
		if len(rs) != 1 {
			t.Fatalf("results %+v", rs)
		}
		if rs[0].Kind != push.Sent {
			if rs[0].Code != "PayloadTooLarge" || sent != nil {
				t.Fatalf("result %+v, sent %d bytes", rs[0], len(sent))
			}
			return
		}
		if len(sent) > MaxPayload {
			t.Fatalf("sent %d bytes", len(sent))
		}
		var doc struct {
			Ext *string `json:"ext"`
		}
		if err := json.Unmarshal(sent, &doc); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		if ext != "" && strings.ToValidUTF8(ext, "\uFFFD") == ext && (doc.Ext == nil || *doc.Ext != ext) {
			t.Fatalf("ext %q arrived as %v", ext, doc.Ext)
		}
	})
}
