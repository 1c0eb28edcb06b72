package dispatcher

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// maxCertFile bounds what LoadCertificates reads.
const maxCertFile = 4 << 20

// CertError is one problem in a certificates file, with where it is.
type CertError struct {
	File  string
	Line  int    // 0 = unknown
	Index int    // position of the certificate in the list, from 0; -1 = the file
	Field string // yaml/json key; "" = the certificate or file as a whole
	Msg   string
}

func (e *CertError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Index >= 0 {
		fmt.Fprintf(&b, "certificates[%d]: ", e.Index)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadCertificates reads push certificates from a YAML or JSON file: either
// a list of certificates or a mapping with a `certificates:` list. Field
// names are those of push.Certificate's tags (click is {type, target}).
// Each certificate is validated (see ValidateCertificates); every problem
// is reported with file:line. An FCM service_account that does not start
// with '{' is read as a file path relative to this file; so is manifest
// (the app's AndroidManifest.xml or .apk), and a click action that would
// open nothing on a phone with that manifest is a problem (CheckClick).
func LoadCertificates(path string) ([]push.Certificate, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	return ParseCertificates(path, data)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCertFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxCertFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxCertFile)
	}
	return data, nil
}

// ParseCertificates is LoadCertificates on bytes; name is used in errors and
// to resolve relative service-account paths.
func ParseCertificates(name string, data []byte) ([]push.Certificate, error) {
	fileErr := func(line int, format string, args ...any) error {
		return &CertError{File: name, Line: line, Index: -1, Msg: fmt.Sprintf(format, args...)}
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(name, -1, err)
	}
	if len(file.Docs) == 0 || file.Docs[0].Body == nil {
		return nil, fileErr(0, "no certificates")
	}
	if len(file.Docs) > 1 {
		return nil, fileErr(lineOf(file.Docs[1]), "more than one YAML document")
	}
	body := file.Docs[0].Body
	if m := mappingValues(body); m != nil {
		var list ast.Node
		for _, kv := range m {
			if key := keyName(kv); key == "certificates" {
				list = kv.Value
			} else {
				return nil, fileErr(lineOf(kv), "unknown key %q (want certificates)", key)
			}
		}
		if list == nil {
			return nil, fileErr(lineOf(body), "no certificates key")
		}
		body = list
	}
	seq, ok := body.(*ast.SequenceNode)
	if !ok {
		return nil, fileErr(lineOf(body), "want a list of certificates or a mapping with certificates:")
	}
	var (
		certs []push.Certificate
		items []int // list position of each decoded certificate
		errs  []error
	)
	dir := filepath.Dir(name)
	for i, item := range seq.Values {
		fields := mappingValues(item)
		if fields == nil {
			errs = append(errs, &CertError{File: name, Line: lineOf(item), Index: i, Msg: "want a mapping"})
			continue
		}
		var c push.Certificate
		if err := yaml.NodeToValue(item, &c, yaml.DisallowUnknownField()); err != nil {
			errs = append(errs, yamlError(name, i, err))
			continue
		}
		if c.Vendor == "fcm" && c.ServiceAccount != "" && !strings.HasPrefix(strings.TrimSpace(c.ServiceAccount), "{") {
			p := c.ServiceAccount
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			sa, err := readLimited(p)
			if err != nil {
				errs = append(errs, &CertError{File: name, Line: fieldLine(fields, "service_account", item), Index: i, Field: "service_account", Msg: err.Error()})
				continue
			}
			c.ServiceAccount = string(sa)
		}
		for _, p := range append(certProblems(&c), manifestProblems(&c, dir)...) {
			errs = append(errs, &CertError{File: name, Line: fieldLine(fields, p.field, item), Index: i, Field: p.field, Msg: p.msg})
		}
		certs = append(certs, c)
		items = append(items, i)
	}
	seen := map[int]int{}
	for i, c := range certs {
		if c.BusinessID == 0 {
			continue
		}
		if j, ok := seen[c.BusinessID]; ok {
			item := seq.Values[items[i]]
			errs = append(errs, &CertError{File: name, Line: fieldLine(mappingValues(item), "business_id", item), Index: items[i],
				Field: "business_id", Msg: fmt.Sprintf("duplicate business_id %d (also certificates[%d])", c.BusinessID, j)})
			continue
		}
		seen[c.BusinessID] = items[i]
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(certs) == 0 {
		return nil, fileErr(lineOf(seq), "no certificates")
	}
	return certs, nil
}

// ValidateCertificates checks certificates as New needs them: a known
// vendor, the secrets that vendor's API needs, a well-formed click action,
// and unique positive business ids.
func ValidateCertificates(certs []push.Certificate) error {
	var errs []error
	seen := map[int]int{}
	for i := range certs {
		c := &certs[i]
		for _, p := range certProblems(c) {
			errs = append(errs, &CertError{Index: i, Field: p.field, Msg: p.msg})
		}
		if j, ok := seen[c.BusinessID]; ok && c.BusinessID != 0 {
			errs = append(errs, &CertError{Index: i, Field: "business_id", Msg: fmt.Sprintf("duplicate business_id %d (also certificates[%d])", c.BusinessID, j)})
		}
		seen[c.BusinessID] = i
	}
	return errors.Join(errs...)
}

type problem struct{ field, msg string }

// required lists, per vendor, the certificate fields its API needs.
var required = map[string][]string{
	"xiaomi": {"app_secret", "package"},
	"huawei": {"app_id", "app_secret"},
	"oppo":   {"app_key", "master_secret"},
	"vivo":   {"app_id", "app_key", "app_secret"},
	"meizu":  {"app_id", "app_secret"},
	"fcm":    {"service_account"},
	"honor":  {"app_id", "app_key", "app_secret"},            // App ID, Client ID, Client Secret
	"apns":   {"app_id", "app_key", "app_secret", "package"}, // team id, key id, p8 key, topic
}

// clickTypes are the click types only one vendor's client sends, with the
// field that carries the target and its length limit (vendor-facts: OPPO
// click_action_activity ≤ 500, vivo skipContent ≤ 1024).
var clickTypes = map[string]struct {
	vendor, field string
	max           int
}{
	"action": {"oppo", "click_action_type 1, click_action_activity = an intent action", 500},
	"custom": {"vivo", "skipType 3, skipContent for the app's onNotificationMessageClicked", 1024},
}

var (
	javaClass = regexp.MustCompile(`^\.?[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$`)
	// intentURI is Intent.toUri(URI_INTENT_SCHEME): intent:[//host/path]#Intent;k=v;...;end
	intentURI = regexp.MustCompile(`^intent:(//[^#\s]*)?#Intent;([^;\s]+;)*end$`)
)

func certProblems(c *push.Certificate) []problem {
	var ps []problem
	add := func(field, format string, args ...any) {
		ps = append(ps, problem{field, fmt.Sprintf(format, args...)})
	}
	if c.BusinessID <= 0 {
		add("business_id", "must be a positive number")
	}
	need, ok := required[c.Vendor]
	if !ok {
		add("vendor", "unknown vendor %q (want one of %s)", c.Vendor, strings.Join(Vendors, ", "))
		return ps
	}
	for _, f := range need {
		if certField(c, f) == "" {
			add(f, "required for %s", c.Vendor)
		}
	}
	if c.Vendor == "fcm" && c.ServiceAccount != "" {
		var sa struct {
			ProjectID   string `json:"project_id"`
			ClientEmail string `json:"client_email"`
			PrivateKey  string `json:"private_key"`
		}
		if err := json.Unmarshal([]byte(c.ServiceAccount), &sa); err != nil {
			add("service_account", "not a service-account JSON key: %v", err)
		} else {
			if sa.ClientEmail == "" || sa.PrivateKey == "" {
				add("service_account", "needs client_email and private_key")
			}
			if c.ProjectID == "" && sa.ProjectID == "" {
				add("project_id", "required for fcm (not in the service account either)")
			}
		}
	}
	for _, u := range []struct{ field, v string }{{"base_url", c.BaseURL}, {"auth_url", c.AuthURL}} {
		if u.v == "" {
			continue
		}
		if p, err := url.Parse(u.v); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			add(u.field, "not an http(s) URL: %q", u.v)
		}
	}
	switch c.Click.Type {
	case "", "launcher":
	case "intent":
		if !intentURI.MatchString(c.Click.Target) {
			add("click", "malformed intent URI %q (want intent://host/path#Intent;scheme=...;component=pkg/cls;end)", c.Click.Target)
		}
	case "activity":
		if !javaClass.MatchString(push.ActivityClass(c.Click.Target)) {
			add("click", "activity %q is not a class name", c.Click.Target)
		}
	case "url":
		if p, err := url.Parse(c.Click.Target); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			add("click", "not an http(s) URL: %q", c.Click.Target)
		}
	case "action", "custom":
		ct := clickTypes[c.Click.Type]
		t := strings.TrimSpace(c.Click.Target)
		switch {
		case ct.vendor != c.Vendor:
			add("click", "click type %s is sent by the %s client only (%s); for %s use launcher, activity, intent or url", c.Click.Type, ct.vendor, ct.field, c.Vendor)
		case t == "":
			add("click", "click type %s needs a target (%s)", c.Click.Type, ct.field)
		case c.Click.Type == "action" && strings.ContainsAny(t, " \t\r\n"):
			add("click", "intent action %q has a space in it", c.Click.Target)
		case utf8.RuneCountInString(t) > ct.max:
			add("click", "target is %d characters, more than the %d of %s", utf8.RuneCountInString(t), ct.max, ct.field)
		}
	default:
		add("click", "unknown click type %q (want launcher, activity, intent, url, action (oppo) or custom (vivo))", c.Click.Type)
	}
	switch c.Class {
	case "", "private", "public":
	default:
		add("class", "want private or public, not %q", c.Class)
	}
	switch c.NotifyLevel {
	case 0, 1, 2, 16:
	default:
		add("notify_level", "want 1, 2 or 16, not %d", c.NotifyLevel)
	}
	if c.Classification != 0 && c.Classification != 1 {
		add("classification", "want 0 or 1, not %d", c.Classification)
	}
	if c.NoticeMsgType != 0 && c.NoticeMsgType != 1 {
		add("notice_msg_type", "want 0 or 1, not %d", c.NoticeMsgType)
	}
	return ps
}

func certField(c *push.Certificate, f string) string {
	switch f {
	case "app_id":
		return c.AppID
	case "app_key":
		return c.AppKey
	case "app_secret":
		return c.AppSecret
	case "master_secret":
		return c.MasterSecret
	case "service_account":
		return c.ServiceAccount
	case "package":
		return c.Package
	}
	return ""
}

// yamlError turns a go-yaml error into a CertError with its line.
func yamlError(name string, index int, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		line := 0
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			line = tk.Position.Line
		}
		return &CertError{File: name, Line: line, Index: index, Msg: ye.GetMessage()}
	}
	return &CertError{File: name, Index: index, Msg: err.Error()}
}

func mappingValues(n ast.Node) []*ast.MappingValueNode {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}
	}
	return nil
}

func keyName(kv *ast.MappingValueNode) string {
	if tk := kv.Key.GetToken(); tk != nil {
		return tk.Value
	}
	return kv.Key.String()
}

func lineOf(n ast.Node) int {
	if n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// fieldLine is the line of a certificate's key, else of the certificate.
func fieldLine(fields []*ast.MappingValueNode, key string, item ast.Node) int {
	for _, kv := range fields {
		if keyName(kv) == key {
			return lineOf(kv.Key)
		}
	}
	return lineOf(item)
}
