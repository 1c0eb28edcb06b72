package keyfile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func TestRSAPublicKey(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(rk)
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec8, _ := x509.MarshalPKCS8PrivateKey(ek)
	for _, c := range []struct {
		name, pem, err string
	}{
		{"PKCS#8 RSA", pemOf("PRIVATE KEY", pkcs8), ""},
		{"PKCS#1 RSA", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk)), ""},
		{"PKCS#8 EC", pemOf("PRIVATE KEY", ec8), "not RSA"},
		{"not PEM", "-----BEGIN nothing", "not PEM"},
		{"PEM of garbage", pemOf("PRIVATE KEY", []byte("garbage")), "neither PKCS#8 nor PKCS#1"},
	} {
		pub, err := RSAPublicKey(c.pem)
		switch {
		case c.err == "" && (err != nil || !pub.Equal(&rk.PublicKey)):
			t.Errorf("%s: %v, %v; want the key's public half", c.name, pub, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.err)
		}
	}
}

func TestCacheParsesEachFileOnce(t *testing.T) {
	var c Cache[*int]
	calls := 0
	parse := func(raw string) *int {
		calls++
		if raw == "bad" {
			return nil
		}
		n := len(raw)
		return &n
	}
	for range 3 {
		if v := c.Get("abc", parse); v == nil || *v != 3 {
			t.Fatalf("Get(abc) = %v", v)
		}
		if v := c.Get("bad", parse); v != nil {
			t.Fatalf("Get(bad) = %v, want nil", *v)
		}
	}
	if calls != 2 {
		t.Errorf("%d parses for 2 distinct files, want 2 (a failure is remembered too)", calls)
	}
	for i := range cacheCap + 1 {
		c.Get(strings.Repeat("x", i+10), parse)
	}
	if len(c.m) > cacheCap {
		t.Errorf("cache holds %d files, cap %d", len(c.m), cacheCap)
	}
}
