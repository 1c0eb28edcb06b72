package fcm

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"strings"
	"sync"

	"github.com/pushsim/pushsim/emulators/internal/keyfile"
	"github.com/pushsim/pushsim/emulators/world"
)

// serviceAccount is a Google service-account key file, field for field as
// the Firebase console hands it out and google.golang.org/api reads it.
type serviceAccount struct {
	Type                    string `json:"type"`
	ProjectID               string `json:"project_id"`
	PrivateKeyID            string `json:"private_key_id"`
	PrivateKey              string `json:"private_key"`
	ClientEmail             string `json:"client_email"`
	ClientID                string `json:"client_id"`
	AuthURI                 string `json:"auth_uri"`
	TokenURI                string `json:"token_uri"`
	AuthProviderX509CertURL string `json:"auth_provider_x509_cert_url"`
	ClientX509CertURL       string `json:"client_x509_cert_url"`
	UniverseDomain          string `json:"universe_domain"`
}

const (
	b64url     = world.Alnum + "-_"
	lowerDigit = "abcdefghijklmnopqrstuvwxyz0123456789"
	digits     = "0123456789"
	keyBits    = 2048
)

// NewToken makes a registration token in FCM's shape: a 22-character
// installation id, ":APA91b" and 134 more base64url characters (163 in all,
// as tokens seen in the wild). The exact grammar is not documented.
func (e *Emulator) NewToken(app *world.App) string {
	return e.w.RandString(22, b64url) + ":APA91b" + e.w.RandString(134, b64url)
}

// DemoApp fills what the caller left empty: the project id, the project
// number (sender id), a package name and a complete service-account key
// file whose token_uri is Google's (ServiceAccountJSON rewrites it to the
// emulator's URL).
func (e *Emulator) DemoApp(app *world.App) {
	var sa serviceAccount
	if raw := app.Extra[ExtraServiceAccount]; raw != "" {
		_ = json.Unmarshal([]byte(raw), &sa) // a broken key file stays as given: the token endpoint will say so
	}
	if app.ID == "" {
		app.ID = sa.ProjectID
	}
	if app.ID == "" {
		app.ID = projectID(app.Name, e.w.RandString(5, lowerDigit))
	}
	if app.Package == "" {
		app.Package = "com.example." + javaName(app.Name)
	}
	if app.Extra == nil {
		app.Extra = map[string]string{}
	}
	if app.Extra[ExtraSenderID] == "" {
		app.Extra[ExtraSenderID] = e.w.RandString(1, "123456789") + e.w.RandString(11, digits)
	}
	if app.Extra[ExtraServiceAccount] != "" {
		return
	}
	sa = serviceAccount{
		Type:                    "service_account",
		ProjectID:               app.ID,
		PrivateKeyID:            e.w.RandString(40, world.Hex),
		ClientEmail:             "firebase-adminsdk-" + e.w.RandString(5, lowerDigit[:26]) + "@" + app.ID + ".iam.gserviceaccount.com",
		ClientID:                e.w.RandString(1, "123456789") + e.w.RandString(20, digits),
		AuthURI:                 "https://accounts.google.com/o/oauth2/auth",
		TokenURI:                GoogleTokenURL,
		AuthProviderX509CertURL: "https://www.googleapis.com/oauth2/v1/certs",
		UniverseDomain:          "googleapis.com",
	}
	sa.ClientX509CertURL = "https://www.googleapis.com/robot/v1/metadata/x509/" + url.PathEscape(sa.ClientEmail)
	sa.PrivateKey = demoKeyPEM(sa.PrivateKeyID)
	b, _ := json.MarshalIndent(sa, "", "  ")
	app.Extra[ExtraServiceAccount] = string(b) + "\n"
}

// ServiceAccountJSON returns the app's service-account key file with
// token_uri set to tokenURI (unchanged when tokenURI is ""), ready for
// option.WithCredentialsJSON or a dispatcher certificate. It returns nil when
// the app has no key file.
func ServiceAccountJSON(app *world.App, tokenURI string) []byte {
	raw := app.Extra[ExtraServiceAccount]
	if raw == "" {
		return nil
	}
	if tokenURI == "" {
		return []byte(raw)
	}
	// A map keeps fields this package does not know.
	var m map[string]any
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return []byte(raw)
	}
	m["token_uri"] = tokenURI
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return []byte(raw)
	}
	return append(b, '\n')
}

// projectID makes a Firebase-style project id: lower-case letters, digits and
// hyphens, 6 to 30 characters.
func projectID(name, suffix string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 17 {
			break
		}
	}
	base := strings.Trim(b.String(), "-")
	if base == "" || base[0] < 'a' || base[0] > 'z' {
		base = "app" + base
	}
	if len(base) > 17 {
		base = strings.TrimRight(base[:17], "-")
	}
	return "pushsim-" + base + "-" + suffix
}

func javaName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "app"
	}
	return b.String()
}

// Demo keys are cached per private_key_id: a seeded world draws the same id
// every run, so a test suite pays for one 2048-bit key generation per app it
// creates rather than per world. The cache is bounded; past the bound every
// app gets a fresh key.
var demoKeys = struct {
	sync.Mutex
	pem map[string]string
}{pem: map[string]string{}}

const demoKeyCap = 256

func demoKeyPEM(keyID string) string {
	demoKeys.Lock()
	defer demoKeys.Unlock()
	if p, ok := demoKeys.pem[keyID]; ok {
		return p
	}
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		panic("fcm: generating an RSA key: " + err.Error()) // the system's randomness failed
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic("fcm: encoding an RSA key: " + err.Error())
	}
	p := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if len(demoKeys.pem) < demoKeyCap {
		demoKeys.pem[keyID] = p
	}
	return p
}

// account is what the token endpoint needs of a key file.
type account struct {
	projectID string
	email     string
	keyID     string
	tokenURI  string
	pub       *rsa.PublicKey
}

func parseAccount(raw string) (*account, error) {
	var sa serviceAccount
	if err := json.Unmarshal([]byte(raw), &sa); err != nil {
		return nil, err
	}
	pub, err := keyfile.RSAPublicKey(sa.PrivateKey)
	if err != nil {
		return nil, err
	}
	return &account{projectID: sa.ProjectID, email: sa.ClientEmail, keyID: sa.PrivateKeyID, tokenURI: sa.TokenURI, pub: pub}, nil
}

// parsedAccount is parseAccount for keyfile.Cache: nil for a file that is
// unusable.
func parsedAccount(raw string) *account {
	a, _ := parseAccount(raw)
	return a
}

// accountFor finds the FCM app whose service account is email.
func (e *Emulator) accountFor(email string) (*world.App, *account) {
	var found *account
	app, ok := e.w.FindAppShared(Vendor, func(a *world.App) bool {
		raw := a.Extra[ExtraServiceAccount]
		if raw == "" || !strings.Contains(raw, email) {
			return false
		}
		acc := e.accounts.Get(raw, parsedAccount)
		if acc != nil && acc.email == email {
			found = acc
			return true
		}
		return false
	})
	if !ok {
		return nil, nil
	}
	return app, found
}
