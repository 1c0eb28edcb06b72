package harness

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	apnsclient "github.com/pushsim/pushsim/dispatcher/apns"
	huaweiclient "github.com/pushsim/pushsim/dispatcher/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// What the harness must know of each vendor's wire for `request` steps:
// how `auth: <app>` signs a raw request, and where the vendor puts its own
// result code in an answer (for `expect: response: code`). A vendor whose
// auth needs a token exchange or a signature adds its case here.

// authorize signs req with app's credentials the vendor's way. Vendors
// whose calls carry a token get one first through hc, signed at now (the
// world's clock).
func authorize(req *http.Request, app *world.App, hc *http.Client, now time.Time) error {
	switch app.Vendor {
	case "xiaomi":
		req.Header.Set("Authorization", "key="+app.Secret)
		return nil
	case "huawei":
		if p := req.URL.Path; strings.Contains(p, "/v3/") || strings.HasSuffix(p, "/messages:revoke") {
			// HarmonyOS NEXT: the service-account JWT signed now, no token exchange.
			acc, err := huaweiclient.ParseV3Account(app.Extra["service_account"])
			if err != nil {
				return fmt.Errorf("auth: huawei v3: %w", err)
			}
			jwt, err := acc.SignJWT(now, time.Hour)
			if err != nil {
				return fmt.Errorf("auth: huawei v3: %w", err)
			}
			req.Header.Set("Authorization", "Bearer "+jwt)
			return nil
		}
		token, err := huaweiToken(req, app, hc)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	case "vivo":
		token, err := vivoToken(req, app, hc, now)
		if err != nil {
			return err
		}
		req.Header.Set("authToken", token)
		return nil
	case "oppo":
		token, err := oppoToken(req, app, hc, now)
		if err != nil {
			return err
		}
		return prependFormField(req, "auth_token", token)
	case "meizu":
		return meizuSign(req, app)
	case "fcm":
		token, err := fcmToken(req, app, hc, now)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		return nil
	case "apns":
		// A provider token signed now with the app's .p8, and the bundle
		// id as the topic (a step's headers may override either).
		key, err := apnsclient.ParseP8(app.Extra["p8"])
		if err != nil {
			return fmt.Errorf("auth: apns: the app's p8: %w", err)
		}
		jwt, err := apnsclient.SignJWT(key, app.Key, app.ID, now)
		if err != nil {
			return fmt.Errorf("auth: apns: %w", err)
		}
		req.Header.Set("authorization", "bearer "+jwt)
		req.Header.Set("apns-topic", app.Package)
		return nil
	case "honor":
		token, err := honorToken(req, app, hc)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("timestamp", strconv.FormatInt(now.UnixMilli(), 10))
		return nil
	}
	return fmt.Errorf("auth: is not supported for %s requests yet; set the headers or fields yourself", app.Vendor)
}

// honorToken gets an access token with the app's Client ID (App.Key) and
// Client Secret at Honor's POST /auth/token (under the same prefix as req).
func honorToken(req *http.Request, app *world.App, hc *http.Client) (string, error) {
	return clientCredentialsToken(req, hc, app.Vendor, "/api/v1/", "/auth/token", app.Key, app.Secret, "error")
}

// oppoToken signs in at OPPO's POST /server/v1/auth (under the same prefix
// as req) with SHA-256(app_key + timestamp + master_secret) and returns the
// auth_token.
func oppoToken(req *http.Request, app *world.App, hc *http.Client, now time.Time) (string, error) {
	u := *req.URL
	u.RawPath, u.RawQuery = "", ""
	if i := strings.Index(u.Path, "/server/"); i >= 0 {
		u.Path = u.Path[:i] + "/server/v1/auth"
	} else {
		u.Path = "/" + app.Vendor + "/server/v1/auth"
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	sum := sha256.Sum256([]byte(app.Key + ts + app.Secret))
	form := url.Values{"app_key": {app.Key}, "timestamp": {ts}, "sign": {hex.EncodeToString(sum[:])}}
	areq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("auth: oppo: %w", err)
	}
	areq.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	resp, err := hc.Do(areq)
	if err != nil {
		return "", fmt.Errorf("auth: oppo: %w", err)
	}
	defer resp.Body.Close()
	var a struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
		Data    struct {
			AuthToken string `json:"auth_token"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.Data.AuthToken == "" {
		return "", fmt.Errorf("auth: oppo /server/v1/auth answered code %s %s (%v)", a.Code, a.Message, err)
	}
	return a.Data.AuthToken, nil
}

// prependFormField puts k=v in front of a form body (OPPO carries its
// token as a form field, not a header).
func prependFormField(req *http.Request, k, v string) error {
	var rest []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body.Close()
		rest = b
	}
	body := url.QueryEscape(k) + "=" + url.QueryEscape(v)
	if boundary, ok := multipartBoundary(rest); ok {
		// A raw multipart body (OPPO's picture upload): the field becomes
		// its first part; the step's headers give the Content-Type.
		body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n" + string(rest)
	} else if len(rest) > 0 {
		body += "&" + string(rest)
	}
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	}
	return nil
}

// multipartBoundary reports the boundary of a body that opens with a
// multipart boundary line ("--<boundary>\r\n").
func multipartBoundary(b []byte) (string, bool) {
	line, _, ok := strings.Cut(string(b[:min(len(b), 200)]), "\r\n")
	if !ok || len(line) < 3 || !strings.HasPrefix(line, "--") || strings.ContainsAny(line, " =&") {
		return "", false
	}
	return line[2:], true
}

// meizuSign signs a Meizu form the vendor's way (no token: every request
// carries its sign): appId is added when the form lacks it, then sign =
// md5(every other field sorted by name as name=value, no separator, +
// AppSecret) in lower-case hex, replacing any sign the form had. The first
// value of a repeated field is the one signed.
func meizuSign(req *http.Request, app *world.App) error {
	var raw []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return err
		}
		req.Body.Close()
		raw = b
	}
	form, err := url.ParseQuery(string(raw))
	if err != nil {
		return fmt.Errorf("auth: meizu: the form cannot be signed: %w", err)
	}
	if _, ok := form["appId"]; !ok {
		form.Set("appId", app.ID)
	}
	form.Del("sign")
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	var text strings.Builder
	for _, k := range names {
		text.WriteString(k + "=" + form.Get(k))
	}
	sum := md5.Sum([]byte(text.String() + app.Secret))
	form.Set("sign", hex.EncodeToString(sum[:]))
	body := form.Encode()
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	}
	return nil
}

// vivoToken signs in at vivo's POST /message/auth (under the same prefix as
// req) with md5(appId + appKey + timestamp + appSecret) and returns the
// authToken.
func vivoToken(req *http.Request, app *world.App, hc *http.Client, now time.Time) (string, error) {
	u := *req.URL
	u.RawPath, u.RawQuery = "", ""
	if i := strings.Index(u.Path, "/message/"); i >= 0 {
		u.Path = u.Path[:i] + "/message/auth"
	} else {
		u.Path = "/" + app.Vendor + "/message/auth"
	}
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	sum := md5.Sum([]byte(app.ID + app.Key + ts + app.Secret))
	body, _ := json.Marshal(map[string]any{"appId": json.Number(app.ID), "appKey": app.Key, "timestamp": json.Number(ts), "sign": hex.EncodeToString(sum[:])})
	if _, err := strconv.ParseInt(app.ID, 10, 64); err != nil {
		body, _ = json.Marshal(map[string]any{"appId": app.ID, "appKey": app.Key, "timestamp": json.Number(ts), "sign": hex.EncodeToString(sum[:])})
	}
	areq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("auth: vivo: %w", err)
	}
	areq.Header.Set("Content-Type", "application/json;charset=UTF-8")
	resp, err := hc.Do(areq)
	if err != nil {
		return "", fmt.Errorf("auth: vivo: %w", err)
	}
	defer resp.Body.Close()
	var a struct {
		Result    json.Number `json:"result"`
		Desc      string      `json:"desc"`
		AuthToken string      `json:"authToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.AuthToken == "" {
		return "", fmt.Errorf("auth: vivo /message/auth answered result %s %s (%v)", a.Result, a.Desc, err)
	}
	return a.AuthToken, nil
}

// huaweiToken gets an access token with the app's client credentials at
// Huawei's POST /oauth2/v3/token (under the same prefix as req).
func huaweiToken(req *http.Request, app *world.App, hc *http.Client) (string, error) {
	return clientCredentialsToken(req, hc, app.Vendor, "/v1/", "/oauth2/v3/token", app.ID, app.Secret, "sub_error")
}

// clientCredentialsToken does an OAuth client_credentials grant at
// tokenPath, under the same prefix as req (the part of its path before
// sendMarker, else /<vendor>), and returns the access_token. errField is the
// answer's field that explains a refusal (Honor's error, Huawei's sub_error).
func clientCredentialsToken(req *http.Request, hc *http.Client, vendor, sendMarker, tokenPath, clientID, secret, errField string) (string, error) {
	u := *req.URL
	u.RawPath, u.RawQuery = "", ""
	if i := strings.Index(u.Path, sendMarker); i >= 0 {
		u.Path = u.Path[:i] + tokenPath
	} else {
		u.Path = "/" + vendor + tokenPath
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {secret}}
	areq, err := http.NewRequestWithContext(req.Context(), http.MethodPost, u.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("auth: %s: %w", vendor, err)
	}
	areq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(areq)
	if err != nil {
		return "", fmt.Errorf("auth: %s: %w", vendor, err)
	}
	defer resp.Body.Close()
	var a map[string]any
	err = json.NewDecoder(resp.Body).Decode(&a)
	token, _ := a["access_token"].(string)
	if err != nil || token == "" {
		return "", fmt.Errorf("auth: %s %s answered HTTP %d, %s %q (%v)", vendor, tokenPath, resp.StatusCode, errField, fmt.Sprint(a[errField]), err)
	}
	return token, nil
}

// vendorCode extracts the vendor's result code from an answer's JSON, as
// text ("" when absent).
func vendorCode(vendor string, body []byte) string {
	doc, ok := decodeJSON(body)
	if !ok {
		return ""
	}
	path := "code"
	switch vendor {
	case "vivo":
		path = "result"
	case "apns":
		path = "reason"
	case "fcm":
		// The FcmError detail's code (UNREGISTERED), else the canonical
		// status (UNAUTHENTICATED), as the emulator's ledger codes them.
		path = "error.status"
		if d, ok := lookup(doc, "error.details"); ok {
			if list, ok := d.([]any); ok {
				for _, x := range list {
					if m, ok := x.(map[string]any); ok && m["@type"] == "type.googleapis.com/google.firebase.fcm.v1.FcmError" {
						if c, ok := m["errorCode"]; ok {
							return text(c)
						}
					}
				}
			}
		}
	}
	v, ok := lookup(doc, path)
	if !ok {
		return ""
	}
	return text(v)
}

// decodeJSON decodes a JSON document keeping numbers exact.
func decodeJSON(body []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return nil, false
	}
	return doc, true
}

// lookup follows a dotted path (object keys, array indexes) through a
// decoded JSON document. A key that itself contains dots (Xiaomi's
// "extra.channel_id") is matched whole before the path is split.
func lookup(doc any, path string) (any, bool) {
	if path == "" {
		return doc, true
	}
	switch x := doc.(type) {
	case map[string]any:
		if v, ok := x[path]; ok {
			return v, true
		}
		for i := 0; i < len(path); i++ {
			if path[i] != '.' {
				continue
			}
			if v, ok := x[path[:i]]; ok {
				if r, ok := lookup(v, path[i+1:]); ok {
					return r, true
				}
			}
		}
	case []any:
		head, rest, _ := strings.Cut(path, ".")
		if n, err := strconv.Atoi(head); err == nil && n >= 0 && n < len(x) {
			return lookup(x[n], rest)
		}
	}
	return nil, false
}

// text renders a JSON value as scenarios write it: 21301, ok, true; objects
// and arrays as compact JSON.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
