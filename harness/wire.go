package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// What the harness must know of each vendor's wire for `request` steps:
// how `auth: <app>` signs a raw request, and where the vendor puts its own
// result code in an answer (for `expect: response: code`). A vendor whose
// auth needs a token exchange or a signature adds its case here.

// authorize signs req with app's credentials the vendor's way.
func authorize(req *http.Request, app *world.App) error {
	switch app.Vendor {
	case "xiaomi":
		req.Header.Set("Authorization", "key="+app.Secret)
		return nil
	}
	return fmt.Errorf("auth: is not supported for %s requests yet; set the headers or fields yourself", app.Vendor)
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
	case "fcm":
		path = "error.status"
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
