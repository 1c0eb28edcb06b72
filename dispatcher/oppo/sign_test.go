package oppo

import "testing"

// TestSign checks the recipe against vectors computed independently
// (printf '%s' "$app_key$timestamp$master_secret" | sha256sum).
func TestSign(t *testing.T) {
	for _, tc := range []struct{ key, ts, secret, want string }{
		{"appkey", "1700000000000", "mastersecret", "b4048b7b7e89b93a02e1259ab0b788a3f0641748a671e43137bf99f540a28b87"},
		{"a3f1c2d4e5b60718293a4b5c6d7e8f90", "1700000000000", "9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e", "5f4ee74c98d334c0048f32bf303a15ec7b887359e97095504c04a82be57d002d"},
	} {
		if got := Sign(tc.key, tc.ts, tc.secret); got != tc.want {
			t.Errorf("Sign(%q, %q, %q) = %s, want %s", tc.key, tc.ts, tc.secret, got, tc.want)
		}
	}
}
