package meizu

import (
	"net/url"
	"testing"
)

// TestSignVector checks the recipe against the vendor's own example
// (vendor-facts/xiaomi-meizu-vivo.md §2.2, from the PushAPI README).
func TestSignVector(t *testing.T) {
	params := map[string]string{
		"appId":       "10000",
		"pushIds":     "RA50c6348036344485d01776773577c64740465480a6b",
		"messageJson": `{"title":"title","content":"content","pushTimeInfo":{"offLine":1,"validTime":24}}`,
	}
	const want = "ac076ff25d9900015a681cb5172aa53b"
	if got := Sign(params, "<APP_SECRET>"); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	// sign itself is never signed, and the form path agrees with Sign.
	params["sign"] = "anything"
	if got := Sign(params, "<APP_SECRET>"); got != want {
		t.Fatalf("Sign with a sign field = %s, want %s", got, want)
	}
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	if got := signForm(form, "<APP_SECRET>"); got != want {
		t.Fatalf("signForm = %s, want %s", got, want)
	}
	if !validPushID(params["pushIds"]) {
		t.Fatal("the facts' sample pushId is not valid")
	}
}

func TestValidPushID(t *testing.T) {
	for s, want := range map[string]bool{
		"RA50c6348036344485d01776773577c64740465480a6b":  true,
		"ra50c6348036344485d01776773577c64740465480a6b":  false, // lower-case prefix
		"RA50c6348036344485d01776773577c64740465480a6":   false, // short
		"RA50c6348036344485d01776773577c64740465480a6bb": false, // long
		"RA50C6348036344485d01776773577c64740465480a6b":  false, // upper-case hex
		"": false,
	} {
		if got := validPushID(s); got != want {
			t.Errorf("validPushID(%q) = %v, want %v", s, got, want)
		}
	}
}
