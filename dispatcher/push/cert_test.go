package push

import (
	"strings"
	"testing"
)

func TestRequireNamesTheFirstMissingField(t *testing.T) {
	full := Certificate{AppID: "1", AppKey: "k", AppSecret: "s", MasterSecret: "m", ServiceAccount: "{}", ProjectID: "p", Package: "com.x"}
	all := []string{"app_id", "app_key (the Client ID)", "app_secret", "master_secret", "service_account", "project_id", "package (the bundle id)"}
	if err := full.Require("v", all...); err != nil {
		t.Fatalf("full certificate: %v", err)
	}
	for _, c := range []struct {
		cert Certificate
		want string
	}{
		{Certificate{AppSecret: "s"}, "honor: certificate has no app_id (the App ID)"},
		{Certificate{AppID: "1", AppSecret: "s"}, "honor: certificate has no app_key (the Client ID)"},
		{Certificate{AppID: "1", AppKey: "k"}, "honor: certificate has no app_secret (the Client Secret)"},
	} {
		err := c.cert.Require("honor", "app_id (the App ID)", "app_key (the Client ID)", "app_secret (the Client Secret)")
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v: %v, want %q", c.cert, err, c.want)
		}
	}
	if err := full.Require("v", "base_url"); err == nil || !strings.Contains(err.Error(), `no field "base_url"`) {
		t.Errorf("unknown field: %v", err)
	}
}

func TestServerURLs(t *testing.T) {
	const defBase, defAuth = "https://push.example", "https://auth.example"
	for _, c := range []struct {
		base, auth         string
		withAuth           string // defAuth given to ServerURLs
		wantBase, wantAuth string
	}{
		{"", "", defAuth, defBase, defAuth},
		{"http://127.0.0.1:4800/huawei/", "", defAuth, "http://127.0.0.1:4800/huawei", "http://127.0.0.1:4800/huawei"},
		{"http://h/x", "http://a/y//", defAuth, "http://h/x", "http://a/y"},
		{"", "http://a", defAuth, defBase, "http://a"},
		{"/", "", defAuth, defBase, defBase}, // base_url set, if only to "/": its host serves auth too
		{"", "", "", defBase, defBase},       // one host for both (vivo, OPPO)
		{"http://h", "", "", "http://h", "http://h"},
	} {
		cert := Certificate{BaseURL: c.base, AuthURL: c.auth}
		base, auth, err := cert.ServerURLs(defBase, c.withAuth)
		if err != nil || base != c.wantBase || auth != c.wantAuth {
			t.Errorf("%q, %q: %q, %q, %v; want %q, %q", c.base, c.auth, base, auth, err, c.wantBase, c.wantAuth)
		}
	}
	for _, cert := range []Certificate{{BaseURL: "http://h\x7f"}, {AuthURL: "::"}} {
		if _, _, err := cert.ServerURLs(defBase, defAuth); err == nil {
			t.Errorf("%+v: no error", cert)
		}
	}
	if base, err := (&Certificate{BaseURL: "http://h/"}).ServerURL(defBase); err != nil || base != "http://h" {
		t.Errorf("ServerURL: %q, %v", base, err)
	}
}
