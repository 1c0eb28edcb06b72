// Package keyfile holds what the FCM and Huawei Push Kit v3 emulators both
// do with the service-account key files their vendors hand out (JSON with
// a PEM private key): take the RSA public half, to check the JWTs a client
// signs with the key, and parse each distinct key file only once.
package keyfile

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"sync"
)

// RSAPublicKey returns the public half of a PEM private key, PKCS#8 (what
// both vendors' key files hold) or PKCS#1.
func RSAPublicKey(pemKey string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil {
		return nil, errors.New("private_key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("private_key is not RSA")
		}
		return &rk.PublicKey, nil
	}
	if rk, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return &rk.PublicKey, nil
	}
	return nil, errors.New("private_key is neither PKCS#8 nor PKCS#1")
}

// cacheCap bounds a Cache: past it the cache starts over (key files change
// rarely; the bound only stops a stream of distinct files growing memory).
const cacheCap = 1024

// Cache remembers what parse made of each raw key file, failures included
// (the zero T), so a request does not parse and check an RSA key again.
// The zero value is ready to use and safe for concurrent use.
type Cache[T any] struct {
	mu sync.Mutex
	m  map[string]T
}

// Get returns parse(raw), parsed once per distinct raw.
func (c *Cache[T]) Get(raw string, parse func(raw string) T) T {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.m[raw]; ok {
		return v
	}
	v := parse(raw)
	if c.m == nil || len(c.m) >= cacheCap {
		c.m = map[string]T{}
	}
	c.m[raw] = v
	return v
}
