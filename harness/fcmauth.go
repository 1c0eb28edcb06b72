package harness

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// fcmToken gets an access token for an FCM app the way a service account
// does: a JWT signed with the key file's private key (RS256, kid =
// private_key_id, aud = Google's token URL, which the emulator accepts
// wherever it is served), exchanged at POST /token under the same prefix as
// req.
func fcmToken(req *http.Request, app *world.App, hc *http.Client, now time.Time) (string, error) {
	var kf struct {
		PrivateKeyID string `json:"private_key_id"`
		PrivateKey   string `json:"private_key"`
		ClientEmail  string `json:"client_email"`
	}
	if err := json.Unmarshal([]byte(app.Extra["service_account"]), &kf); err != nil {
		return "", fmt.Errorf("auth: fcm: the app's service_account: %w", err)
	}
	key, err := fcmKey(kf.PrivateKey)
	if err != nil {
		return "", fmt.Errorf("auth: fcm: %w", err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": kf.PrivateKeyID})
	iat := now.Add(-10 * time.Second)
	claims, _ := json.Marshal(map[string]any{
		"iss": kf.ClientEmail, "scope": "https://www.googleapis.com/auth/firebase.messaging",
		"aud": "https://oauth2.googleapis.com/token", "iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(),
	})
	signed := enc(header) + "." + enc(claims)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("auth: fcm: %w", err)
	}

	u := *req.URL
	u.RawPath, u.RawQuery = "", ""
	if i := strings.Index(u.Path, "/v1/"); i >= 0 {
		u.Path = u.Path[:i] + "/token"
	} else {
		u.Path = "/" + app.Vendor + "/token"
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {signed + "." + enc(sig)}}
	areq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("auth: fcm: %w", err)
	}
	areq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(areq)
	if err != nil {
		return "", fmt.Errorf("auth: fcm: %w", err)
	}
	defer resp.Body.Close()
	var a struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.AccessToken == "" {
		return "", fmt.Errorf("auth: fcm /token answered HTTP %d, %s %s (%v)", resp.StatusCode, a.Error, a.Description, err)
	}
	return a.AccessToken, nil
}

func fcmKey(p string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		return nil, errors.New("private_key is not PEM")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, errors.New("private_key is not RSA")
	}
	return x509.ParsePKCS1PrivateKey(block.Bytes)
}
