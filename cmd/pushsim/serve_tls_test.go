package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var httpsLine = regexp.MustCompile(`HTTPS \(HTTP/2, HTTP/1\.1\) on (\S+) for every vendor host`)

// TestServeTLS runs `pushsim serve --tls` and reaches APNs and Huawei by
// their real host names over HTTPS, trusting only the CA it printed.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	_, _, stderr, stop := startServe(t, "--addr", "127.0.0.1:0", "--tls", "--tls-addr", "127.0.0.1:0", "--tls-dir", dir)
	out := stderr.String()
	m := httpsLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no HTTPS line in:\n%s", out)
	}
	addr := m[1]
	caPath := filepath.Join(dir, "pushsim-ca.pem")
	for _, want := range []string{"CA certificate " + caPath, "127.0.0.1 api.push.apple.com\n", "127.0.0.1 api.sandbox.push.apple.com\n", "127.0.0.1 push-api.cloud.huawei.com\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	hosts, err := os.ReadFile(filepath.Join(dir, "hosts"))
	if err != nil || !bytes.Contains(hosts, []byte("127.0.0.1 fcm.googleapis.com\n")) {
		t.Errorf("hosts file: %q, %v", hosts, err)
	}

	caPEM, err := os.ReadFile(caPath)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("the CA file holds no certificate")
	}
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		ForceAttemptHTTP2: true,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr) // what the hosts-file line does
		},
	}}
	// APNs answers in its own shape, over HTTP/2.
	resp, err := hc.Post("https://api.push.apple.com/3/device/abcd", "application/json", strings.NewReader(`{"aps":{"alert":"hi"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var ans struct{ Reason string }
	_ = json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if resp.Proto != "HTTP/2.0" || resp.StatusCode != 400 || ans.Reason != "MissingTopic" || resp.Header.Get("apns-id") == "" {
		t.Errorf("APNs over TLS: %s %d %+v", resp.Proto, resp.StatusCode, ans)
	}
	// Another vendor's host is served too.
	resp, err = hc.Post("https://oauth-login.cloud.huawei.com/oauth2/v3/token", "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode >= 500 {
		t.Errorf("Huawei over TLS: %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// A second start reuses the CA, so clients keep trusting it.
	_, _, _, stop = startServe(t, "--addr", "127.0.0.1:0", "--tls", "--tls-addr", "127.0.0.1:0", "--tls-dir", dir)
	again, err := os.ReadFile(caPath)
	if err != nil || !bytes.Equal(again, caPEM) {
		t.Errorf("the CA was not reused")
	}
	_ = stop()
}
