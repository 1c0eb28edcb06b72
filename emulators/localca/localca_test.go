package localca

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadCreatesThenReuses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	ca, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ca.CertPath() != filepath.Join(dir, CAFile) || !ca.Certificate().IsCA {
		t.Fatalf("CA %s, IsCA %v", ca.CertPath(), ca.Certificate().IsCA)
	}
	if fi, err := os.Stat(filepath.Join(dir, CAKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	again, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Certificate().Equal(ca.Certificate()) {
		t.Fatal("a second Load made a new CA")
	}
}

func TestLoadRefusesHalfACA(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, CAKeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Fatalf("err = %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, CAKeyFile), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Fatal("a junk key was accepted")
	}
}

func TestServerCertificate(t *testing.T) {
	dir := t.TempDir()
	ca, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	hosts := []string{"api.push.apple.com", "push-api.cloud.huawei.com", "127.0.0.1"}
	c1, err := ca.ServerCertificate(hosts)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hosts {
		if _, err := c1.Leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: ca.Pool()}); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	if _, err := c1.Leaf.Verify(x509.VerifyOptions{DNSName: "example.com", Roots: ca.Pool()}); err == nil {
		t.Error("valid for a host it was not issued for")
	}
	c2, err := ca.ServerCertificate(hosts[:2])
	if err != nil || !c2.Leaf.Equal(c1.Leaf) {
		t.Errorf("the kept certificate was not reused for a subset of its hosts (%v)", err)
	}
	c3, err := ca.ServerCertificate(append(hosts, "api.xmpush.xiaomi.com"))
	if err != nil || c3.Leaf.Equal(c1.Leaf) || c3.Leaf.VerifyHostname("api.xmpush.xiaomi.com") != nil {
		t.Errorf("a new host did not get a new certificate (%v)", err)
	}
	other, _ := New()
	c4, err := other.ServerCertificate(hosts)
	if err != nil || c4.Leaf.CheckSignatureFrom(other.Certificate()) != nil {
		t.Errorf("in-memory CA: %v", err)
	}
}

func TestServesHTTP2WithClientCertificates(t *testing.T) {
	ca, err := New()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ca.ServerConfig([]string{"api.push.apple.com"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := ""
		if r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = io.WriteString(w, r.Proto+" "+cn)
	})}
	go srv.Serve(l) //nolint:errcheck
	t.Cleanup(func() { srv.Close() })

	client, err := ca.IssueClient(pkix.Name{CommonName: "Apple Push Services: com.example.chat"})
	if err != nil {
		t.Fatal(err)
	}
	cc := ca.ClientConfig()
	cc.Certificates = []tls.Certificate{client}
	cc.ServerName = "api.push.apple.com"
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: cc, ForceAttemptHTTP2: true,
		Dial: func(network, _ string) (net.Conn, error) { return net.Dial(network, l.Addr().String()) }}}
	resp, err := hc.Get("https://api.push.apple.com/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "HTTP/2.0 Apple Push Services: com.example.chat" {
		t.Fatalf("got %q", b)
	}
}

func TestHostsLines(t *testing.T) {
	got := HostsLines("127.0.0.1", []string{"b.example", "a.example", "localhost", "127.0.0.1", "a.example"})
	if want := "127.0.0.1 a.example\n127.0.0.1 b.example\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
