package push

import (
	"fmt"
	"net/url"
	"strings"
)

// Require checks that the certificate carries every field a client cannot
// work without. Each field is named as in a certificates file ("app_id"),
// optionally followed by what the vendor calls it ("app_key (the Client
// ID)"); the error names the first one missing as
// "<client>: certificate has no <field>".
func (c *Certificate) Require(client string, fields ...string) error {
	for _, f := range fields {
		name, _, _ := strings.Cut(f, " ")
		v, known := c.text(name)
		if !known {
			return fmt.Errorf("%s: certificate has no field %q", client, name)
		}
		if v == "" {
			return fmt.Errorf("%s: certificate has no %s", client, f)
		}
	}
	return nil
}

// text is the string field of the certificate with that file name.
func (c *Certificate) text(name string) (string, bool) {
	v, ok := map[string]string{
		"app_id": c.AppID, "app_key": c.AppKey, "app_secret": c.AppSecret, "master_secret": c.MasterSecret,
		"service_account": c.ServiceAccount, "project_id": c.ProjectID, "package": c.Package,
	}[name]
	return v, ok
}

// ServerURL is the push server's base URL: base_url without trailing
// slashes, or def when it is unset. err is url.Parse's, for the client to
// wrap in its own words.
func (c *Certificate) ServerURL(def string) (string, error) {
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = def
	}
	if _, err := url.Parse(base); err != nil {
		return "", err
	}
	return base, nil
}

// ServerURLs is ServerURL and the token server's base URL: auth_url
// without trailing slashes; when it is unset, the push server's when
// base_url is set or defAuth is "" (one host serves both), else defAuth.
func (c *Certificate) ServerURLs(defBase, defAuth string) (base, auth string, err error) {
	if base, err = c.ServerURL(defBase); err != nil {
		return "", "", err
	}
	auth = strings.TrimRight(c.AuthURL, "/")
	if auth == "" {
		auth = defAuth
		if c.BaseURL != "" || defAuth == "" {
			auth = base
		}
	}
	if _, err := url.Parse(auth); err != nil {
		return "", "", err
	}
	return base, auth, nil
}
