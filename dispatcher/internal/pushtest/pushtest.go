// Package pushtest is what the vendor clients' tests share: a canned
// vendor server as an http.RoundTripper, the one-result-per-token check the
// fuzz tests make, and the Send benchmark. Only _test files import it.
package pushtest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Fixed answers every request whose path ends in "/token" with the token
// status and body, and every other request with the send status and body,
// each with Retry-After: 5. A status outside 100–999 (a fuzzer's) is sent
// as 200.
type Fixed struct {
	TokenStatus int
	TokenBody   string
	SendStatus  int
	SendBody    string
}

// RoundTrip answers r without reading its body.
func (f Fixed) RoundTrip(r *http.Request) (*http.Response, error) {
	status, body := f.SendStatus, f.SendBody
	if strings.HasSuffix(r.URL.Path, "/token") {
		status, body = f.TokenStatus, f.TokenBody
	}
	if status < 100 || status > 999 {
		status = 200
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Retry-After": {"5"}}, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// CheckResults fails t unless res has one classified result per token, in
// the order of tokens, and every result that calls its token invalid is a
// rejection (the dispatcher deletes only rejected tokens).
func CheckResults(t testing.TB, tokens []string, res []push.Result) {
	t.Helper()
	if len(res) != len(tokens) {
		t.Fatalf("%d results for %d tokens", len(res), len(tokens))
	}
	for i, r := range res {
		if r.Token != tokens[i] || r.Kind == "" {
			t.Fatalf("result %d: %+v", i, r)
		}
		if r.InvalidToken && r.Kind != push.Rejected {
			t.Fatalf("invalid token not rejected: %+v", r)
		}
	}
}

// BenchSend measures one IM push to n tokens through the client newClient
// builds for cert, with rt as the vendor server. Every result must be Sent.
func BenchSend(b *testing.B, newClient push.NewClient, cert push.Certificate, rt http.RoundTripper, n int) {
	c, err := newClient(cert, push.Options{HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("t%022d", i) // 23 characters, as vivo's regIds
	}
	p := push.Push{ID: "m-1", Title: "Bob", Body: "lunch at <12>?", Ext: `{"chatId":42,"html":"<b>&</b>"}`,
		Extras: map[string]string{"k": "v"}, NotifyID: "chat-42", Badge: 3, Click: push.Click{Type: "activity", Target: ".Main"}}
	for _, r := range c.Send(context.Background(), p, tokens) {
		if r.Kind != push.Sent {
			b.Fatalf("not sent: %+v", r)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c.Send(context.Background(), p, tokens)
	}
}

// PrivateKeyPEM is a new 2048-bit RSA key as PKCS#8 PEM, the private_key
// of a service-account key file (FCM, Huawei v3).
func PrivateKeyPEM(tb testing.TB) string {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		tb.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
