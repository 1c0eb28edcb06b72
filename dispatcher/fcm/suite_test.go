package fcm_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFCMClient(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/fcm")
}

// testKey is the service account's key, made once for the suite.
var (
	testKey     *rsa.PrivateKey
	testKeyJSON string
)

var _ = BeforeSuite(func() {
	var err error
	testKey, err = rsa.GenerateKey(rand.Reader, 2048)
	Expect(err).NotTo(HaveOccurred())
	der, err := x509.MarshalPKCS8PrivateKey(testKey)
	Expect(err).NotTo(HaveOccurred())
	testKeyJSON = keyFileJSON(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "")
})

func keyFileJSON(privateKey, tokenURI string) string {
	m := map[string]string{
		"type":           "service_account",
		"project_id":     "chat-4f2a1",
		"private_key_id": "1234567890abcdef1234567890abcdef12345678",
		"private_key":    privateKey,
		"client_email":   "firebase-adminsdk-abcde@chat-4f2a1.iam.gserviceaccount.com",
		"client_id":      "109876543210987654321",
		"token_uri":      "https://oauth2.googleapis.com/token",
	}
	if tokenURI != "" {
		m["token_uri"] = tokenURI
	}
	b, _ := json.Marshal(m)
	return string(b)
}
