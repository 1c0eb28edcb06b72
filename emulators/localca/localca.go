// Package localca is pushsim's own certificate authority, for clients whose
// vendor host and transport are both fixed (an APNs provider, a vendor SDK
// that only speaks https://<real host>). `pushsim serve --tls` makes one CA
// (or reuses the one in its --tls-dir), issues one server certificate for
// every vendor host name, and serves HTTPS with it; a client then needs only
// the CA in its trust store and a hosts-file line per vendor host.
//
// Keys are ECDSA P-256. The CA is valid for ten years, server certificates
// for one (reissued when they near their end or miss a host). Client
// certificates (APNs certificate-based auth) are issued the same way, for
// tests.
package localca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names inside a CA directory.
const (
	CAFile         = "pushsim-ca.pem"     // the CA certificate: give this to clients
	CAKeyFile      = "pushsim-ca-key.pem" // the CA's private key (mode 0600)
	ServerFile     = "server.pem"         // the server certificate for every vendor host
	ServerKeyFile  = "server-key.pem"     // its key (mode 0600)
	caLifetime     = 10 * 365 * 24 * time.Hour
	leafLifetime   = 365 * 24 * time.Hour
	reissueBefore  = 30 * 24 * time.Hour // a server certificate closer to its end is reissued
	backdate       = time.Hour           // tolerate a client clock slightly behind
	commonName     = "pushsim local CA"
	organization   = "pushsim"
	privateKeyType = "PRIVATE KEY"
)

// CA is a local certificate authority. Its zero value is not usable: make
// one with New or Load.
type CA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	dir     string // "" = in memory only
	now     func() time.Time
}

// New makes a fresh CA in memory (tests).
func New() (*CA, error) {
	ca, err := create(time.Now)
	if err != nil {
		return nil, fmt.Errorf("localca: %w", err)
	}
	return ca, nil
}

// Load reads the CA kept in dir, or makes one and writes it there (the
// directory is created, mode 0700). The same CA is then trusted across
// restarts.
func Load(dir string) (*CA, error) {
	if dir == "" {
		return nil, errors.New("localca: no directory")
	}
	certPEM, errC := os.ReadFile(filepath.Join(dir, CAFile))
	keyPEM, errK := os.ReadFile(filepath.Join(dir, CAKeyFile))
	if errC == nil && errK == nil {
		ca, err := parse(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("localca: %s: %w", dir, err)
		}
		ca.dir = dir
		return ca, nil
	}
	if !errors.Is(errC, os.ErrNotExist) && errC != nil {
		return nil, fmt.Errorf("localca: %w", errC)
	}
	if !errors.Is(errK, os.ErrNotExist) && errK != nil {
		return nil, fmt.Errorf("localca: %w", errK)
	}
	if (errC == nil) != (errK == nil) {
		return nil, fmt.Errorf("localca: %s has only one of %s and %s: remove it or restore the other", dir, CAFile, CAKeyFile)
	}
	ca, err := create(time.Now)
	if err != nil {
		return nil, fmt.Errorf("localca: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localca: %w", err)
	}
	keyPEM, err = encodeKey(ca.key)
	if err != nil {
		return nil, fmt.Errorf("localca: %w", err)
	}
	if err := writeFile(filepath.Join(dir, CAKeyFile), keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("localca: %w", err)
	}
	if err := writeFile(filepath.Join(dir, CAFile), ca.certPEM, 0o644); err != nil {
		return nil, fmt.Errorf("localca: %w", err)
	}
	ca.dir = dir
	return ca, nil
}

func create(now func() time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	t := now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{organization}},
		NotBefore:             t.Add(-backdate),
		NotAfter:              t.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), now: now}, nil
}

func parse(certPEM, keyPEM []byte) (*CA, error) {
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s is not a PEM certificate", CAFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CAFile, err)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("%s is not a CA certificate", CAFile)
	}
	key, err := decodeKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CAKeyFile, err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("%s does not belong to %s", CAKeyFile, CAFile)
	}
	return &CA{cert: cert, key: key, certPEM: pem.EncodeToMemory(cb), now: time.Now}, nil
}

// Certificate is the CA certificate.
func (ca *CA) Certificate() *x509.Certificate { return ca.cert }

// PEM is the CA certificate in PEM form, what clients add to their trust store.
func (ca *CA) PEM() []byte { return bytes.Clone(ca.certPEM) }

// Dir is where the CA is kept ("" for one made by New).
func (ca *CA) Dir() string { return ca.dir }

// CertPath is the CA certificate's file ("" for one made by New).
func (ca *CA) CertPath() string {
	if ca.dir == "" {
		return ""
	}
	return filepath.Join(ca.dir, CAFile)
}

// Pool is a certificate pool holding only this CA: a client's RootCAs.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// ClientConfig is a TLS client configuration that trusts only this CA.
func (ca *CA) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: ca.Pool(), MinVersion: tls.VersionTLS12}
}

// Issue makes a server certificate valid for every name in hosts (DNS
// names, and IP addresses written as such).
func (ca *CA) Issue(hosts []string) (tls.Certificate, error) {
	if len(hosts) == 0 {
		return tls.Certificate{}, errors.New("localca: a server certificate needs at least one host")
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0], Organization: []string{organization}},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return ca.sign(tmpl)
}

// IssueClient makes a client certificate with the given subject (for
// example an APNs provider certificate, whose subject UID is the app's
// bundle id).
func (ca *CA) IssueClient(subject pkix.Name) (tls.Certificate, error) {
	return ca.sign(&x509.Certificate{
		Subject:     subject,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

func (ca *CA) sign(tmpl *x509.Certificate) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	if tmpl.SerialNumber, err = serialNumber(); err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	t := ca.now()
	tmpl.NotBefore, tmpl.NotAfter = t.Add(-backdate), t.Add(leafLifetime)
	if tmpl.NotAfter.After(ca.cert.NotAfter) {
		tmpl.NotAfter = ca.cert.NotAfter
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key, Leaf: leaf}, nil
}

// ServerCertificate returns a server certificate for hosts: the one kept in
// the CA's directory when it was issued by this CA, covers every host and
// is not near its end, else a new one (written back to the directory).
func (ca *CA) ServerCertificate(hosts []string) (tls.Certificate, error) {
	if ca.dir != "" {
		if c, ok := ca.kept(hosts); ok {
			return c, nil
		}
	}
	c, err := ca.Issue(hosts)
	if err != nil || ca.dir == "" {
		return c, err
	}
	keyPEM, err := encodeKey(c.PrivateKey.(*ecdsa.PrivateKey))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	var chain bytes.Buffer
	for _, der := range c.Certificate {
		_ = pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: der}) // writing to memory cannot fail
	}
	if err := writeFile(filepath.Join(ca.dir, ServerKeyFile), keyPEM, 0o600); err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	if err := writeFile(filepath.Join(ca.dir, ServerFile), chain.Bytes(), 0o644); err != nil {
		return tls.Certificate{}, fmt.Errorf("localca: %w", err)
	}
	return c, nil
}

// kept loads the server certificate in the directory if it still serves.
func (ca *CA) kept(hosts []string) (tls.Certificate, bool) {
	c, err := tls.LoadX509KeyPair(filepath.Join(ca.dir, ServerFile), filepath.Join(ca.dir, ServerKeyFile))
	if err != nil || c.Leaf == nil {
		return tls.Certificate{}, false
	}
	if c.Leaf.CheckSignatureFrom(ca.cert) != nil || ca.now().Add(reissueBefore).After(c.Leaf.NotAfter) {
		return tls.Certificate{}, false
	}
	for _, h := range hosts {
		if c.Leaf.VerifyHostname(h) != nil {
			return tls.Certificate{}, false
		}
	}
	return c, true
}

// ServerConfig is the TLS configuration `pushsim serve --tls` listens with:
// the server certificate for hosts, TLS 1.2 or later, ALPN h2 then
// http/1.1, and a client certificate requested but not required (APNs
// certificate-based auth reads it; the emulator judges it, not the
// handshake).
func (ca *CA) ServerConfig(hosts []string) (*tls.Config, error) {
	c, err := ca.ServerCertificate(hosts)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		Certificates: []tls.Certificate{c},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
		ClientAuth:   tls.RequestClientCert,
	}, nil
}

// HostsLines renders hosts-file lines that send every host to ip, one
// line per host, sorted ("127.0.0.1 api.push.apple.com").
func HostsLines(ip string, hosts []string) string {
	hs := slices.Clone(hosts)
	slices.Sort(hs)
	hs = slices.Compact(hs)
	var b strings.Builder
	for _, h := range hs {
		if net.ParseIP(h) != nil || h == "localhost" {
			continue
		}
		b.WriteString(ip + " " + h + "\n")
	}
	return b.String()
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func encodeKey(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: privateKeyType, Bytes: der}), nil
}

func decodeKey(b []byte) (*ecdsa.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("not a PEM key")
	}
	var (
		k   any
		err error
	)
	switch blk.Type {
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(blk.Bytes)
	default:
		k, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	}
	if err != nil {
		return nil, err
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an ECDSA key")
	}
	return ek, nil
}

// writeFile writes through a temporary file and a rename, so a second
// pushsim starting at the same time never reads half a key.
func writeFile(path string, b []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pushsim-tls-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
