package dispatcher_test

import (
	"os"
	"testing"

	"github.com/pushsim/pushsim/dispatcher"
)

// FuzzParseCertificates: no input makes the loader panic, and whatever it
// accepts passes validation.
func FuzzParseCertificates(f *testing.F) {
	for _, p := range []string{"testdata/certs.yaml", "testdata/certs.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("- {business_id: 1, vendor: xiaomi, app_secret: s, package: p}\n"))
	f.Add([]byte("certificates: &a [*a]\n"))
	f.Add([]byte("- business_id: 1\n  click: {type: intent, target: \"intent:#Intent;end\"}\n"))
	f.Add([]byte("{\"certificates\": [{\"business_id\": 9e99}]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		certs, err := dispatcher.ParseCertificates("fuzz.yaml", data)
		if err != nil {
			return
		}
		if err := dispatcher.ValidateCertificates(certs); err != nil {
			t.Fatalf("accepted certificates that do not validate: %v", err)
		}
	})
}
