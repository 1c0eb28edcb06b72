package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testCerts = `certificates:
  - business_id: 1
    vendor: xiaomi
    app_secret: s
    package: com.example.chat
  - business_id: 2
    vendor: xiaomi
    app_secret: s2
    package: com.example.other
    base_url: http://127.0.0.1:1/mine
`

func TestNewDispatcherPointsCertificatesAtEmulators(t *testing.T) {
	p := filepath.Join(t.TempDir(), "certs.yaml")
	if err := os.WriteFile(p, []byte(testCerts), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := newDispatcher(p, "http://127.0.0.1:4800/", 1)
	if err != nil {
		t.Fatal(err)
	}
	certs := d.Certificates()
	if got := certs[0].BaseURL; got != "http://127.0.0.1:4800/xiaomi" {
		t.Errorf("certificate without base_url: got %q", got)
	}
	if got := certs[1].BaseURL; got != "http://127.0.0.1:1/mine" {
		t.Errorf("certificate with base_url must keep it, got %q", got)
	}
}

func TestNewDispatcherReportsCertificateErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "certs.yaml")
	if err := os.WriteFile(p, []byte("- business_id: 1\n  vendor: nokia\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := newDispatcher(p, "", 1)
	if err == nil || !strings.Contains(err.Error(), "certs.yaml:2") {
		t.Fatalf("want an error naming certs.yaml:2, got %v", err)
	}
}

func TestDispatcherCommandServesTheDriverAPI(t *testing.T) {
	dir := t.TempDir()
	certs := filepath.Join(dir, "certs.yaml")
	ready := filepath.Join(dir, "ready")
	if err := os.WriteFile(certs, []byte(testCerts), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var stderr bytes.Buffer
	go func() {
		done <- runDispatcher(ctx, &stderr, dispatcherOptions{certs: certs, addr: "127.0.0.1:0", seed: 1, readyFile: ready})
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(ready); err == nil {
			url = strings.TrimSpace(string(b))
			break
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("dispatcher never became ready: %s", stderr.String())
	}
	resp, err := http.Get(url + "/v1/health")
	if err != nil {
		t.Fatal(err)
	}
	var health struct {
		Status       string
		Certificates []struct{ Vendor string }
	}
	err = json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if err != nil || health.Status != "ok" || len(health.Certificates) != 2 {
		t.Fatalf("health: %+v, %v", health, err)
	}
	resp, err = http.Post(url+"/v1/login", "application/json", strings.NewReader(`{"user":"alice","device":"phone"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: %s", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
