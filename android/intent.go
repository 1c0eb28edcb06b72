package android

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Actions and categories a tap involves (android.content.Intent).
const (
	ActionMain         = "android.intent.action.MAIN"
	ActionView         = "android.intent.action.VIEW"
	CategoryDefault    = "android.intent.category.DEFAULT"
	CategoryLauncher   = "android.intent.category.LAUNCHER"
	CategoryInfo       = "android.intent.category.INFO"
	CategoryBrowsable  = "android.intent.category.BROWSABLE"
	androidNS          = "http://schemas.android.com/apk/res/android"
	defaultLauncherCls = ".MainActivity"
)

// Intent flags (android.content.Intent.FLAG_*).
const (
	FlagGrantReadURIPermission       int32 = 0x00000001
	FlagGrantWriteURIPermission      int32 = 0x00000002
	FlagGrantPersistableURIPermision int32 = 0x00000040
	FlagGrantPrefixURIPermission     int32 = 0x00000080
	FlagActivityNoHistory            int32 = 0x40000000
	FlagActivitySingleTop            int32 = 0x20000000
	FlagActivityNewTask              int32 = 0x10000000
	FlagActivityMultipleTask         int32 = 0x08000000
	FlagActivityClearTop             int32 = 0x04000000
	FlagActivityForwardResult        int32 = 0x02000000
	FlagActivityPreviousIsTop        int32 = 0x01000000
	FlagActivityExcludeFromRecents   int32 = 0x00800000
	FlagActivityBroughtToFront       int32 = 0x00400000
	FlagActivityResetTaskIfNeeded    int32 = 0x00200000
	FlagActivityLaunchedFromHistory  int32 = 0x00100000
	FlagActivityNewDocument          int32 = 0x00080000
	FlagActivityNoUserAction         int32 = 0x00040000
	FlagActivityReorderToFront       int32 = 0x00020000
	FlagActivityNoAnimation          int32 = 0x00010000
	FlagActivityClearTask            int32 = 0x00008000
	FlagActivityTaskOnHome           int32 = 0x00004000
	FlagActivityRetainInRecents      int32 = 0x00002000
	FlagActivityLaunchAdjacent       int32 = 0x00001000
	FlagActivityMatchExternal        int32 = 0x00000800
	FlagActivityRequireNonBrowser    int32 = 0x00000400
	FlagActivityRequireDefault       int32 = 0x00000200

	// immutableFlags are the URI-permission grants Intent.parseUri strips
	// unless URI_ALLOW_UNSAFE is passed, which push SDKs do not pass.
	immutableFlags = FlagGrantReadURIPermission | FlagGrantWriteURIPermission | FlagGrantPersistableURIPermision | FlagGrantPrefixURIPermission
)

var flagNames = []struct {
	v    int32
	name string
}{
	{FlagGrantReadURIPermission, "FLAG_GRANT_READ_URI_PERMISSION"},
	{FlagGrantWriteURIPermission, "FLAG_GRANT_WRITE_URI_PERMISSION"},
	{0x00000004, "FLAG_FROM_BACKGROUND"},
	{0x00000008, "FLAG_DEBUG_LOG_RESOLUTION"},
	{0x00000010, "FLAG_EXCLUDE_STOPPED_PACKAGES"},
	{0x00000020, "FLAG_INCLUDE_STOPPED_PACKAGES"},
	{FlagGrantPersistableURIPermision, "FLAG_GRANT_PERSISTABLE_URI_PERMISSION"},
	{FlagGrantPrefixURIPermission, "FLAG_GRANT_PREFIX_URI_PERMISSION"},
	{0x00000100, "FLAG_DIRECT_BOOT_AUTO"},
	{FlagActivityRequireDefault, "FLAG_ACTIVITY_REQUIRE_DEFAULT"},
	{FlagActivityRequireNonBrowser, "FLAG_ACTIVITY_REQUIRE_NON_BROWSER"},
	{FlagActivityMatchExternal, "FLAG_ACTIVITY_MATCH_EXTERNAL"},
	{FlagActivityLaunchAdjacent, "FLAG_ACTIVITY_LAUNCH_ADJACENT"},
	{FlagActivityRetainInRecents, "FLAG_ACTIVITY_RETAIN_IN_RECENTS"},
	{FlagActivityTaskOnHome, "FLAG_ACTIVITY_TASK_ON_HOME"},
	{FlagActivityClearTask, "FLAG_ACTIVITY_CLEAR_TASK"},
	{FlagActivityNoAnimation, "FLAG_ACTIVITY_NO_ANIMATION"},
	{FlagActivityReorderToFront, "FLAG_ACTIVITY_REORDER_TO_FRONT"},
	{FlagActivityNoUserAction, "FLAG_ACTIVITY_NO_USER_ACTION"},
	{FlagActivityNewDocument, "FLAG_ACTIVITY_NEW_DOCUMENT"},
	{FlagActivityLaunchedFromHistory, "FLAG_ACTIVITY_LAUNCHED_FROM_HISTORY"},
	{FlagActivityResetTaskIfNeeded, "FLAG_ACTIVITY_RESET_TASK_IF_NEEDED"},
	{FlagActivityBroughtToFront, "FLAG_ACTIVITY_BROUGHT_TO_FRONT"},
	{FlagActivityExcludeFromRecents, "FLAG_ACTIVITY_EXCLUDE_FROM_RECENTS"},
	{FlagActivityPreviousIsTop, "FLAG_ACTIVITY_PREVIOUS_IS_TOP"},
	{FlagActivityForwardResult, "FLAG_ACTIVITY_FORWARD_RESULT"},
	{FlagActivityClearTop, "FLAG_ACTIVITY_CLEAR_TOP"},
	{FlagActivityMultipleTask, "FLAG_ACTIVITY_MULTIPLE_TASK"},
	{FlagActivityNewTask, "FLAG_ACTIVITY_NEW_TASK"},
	{FlagActivitySingleTop, "FLAG_ACTIVITY_SINGLE_TOP"},
	{FlagActivityNoHistory, "FLAG_ACTIVITY_NO_HISTORY"},
	{math.MinInt32, "FLAG_RECEIVER_REGISTERED_ONLY"},
}

// FlagNames names the bits of an intent's flags, lowest first.
func FlagNames(f int32) []string {
	var out []string
	for _, fn := range flagNames {
		if f&fn.v != 0 {
			out = append(out, fn.name)
		}
	}
	return out
}

// Component is a ComponentName: the app's package and an activity class.
type Component struct {
	Package string `json:"package"`
	Class   string `json:"class"`
}

func (c Component) String() string { return c.Package + "/" + c.Class }

// UnflattenComponent is ComponentName.unflattenFromString: "pkg/cls" or
// "pkg/.Cls" (relative to pkg); false without a '/' or a class after it.
func UnflattenComponent(s string) (Component, bool) {
	sep := strings.IndexByte(s, '/')
	if sep < 0 || sep+1 >= len(s) {
		return Component{}, false
	}
	pkg, cls := s[:sep], s[sep+1:]
	if strings.HasPrefix(cls, ".") {
		cls = pkg + cls
	}
	return Component{Package: pkg, Class: cls}, true
}

// Extra is one value of an intent's extras Bundle, with its Java type:
// String, boolean, byte, char, double, float, int, long, short (what an
// intent URI can carry), or a vendor SDK's own object (MiPushMessage).
type Extra struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// Extras are a Bundle in insertion order. Put replaces a key in place, as
// Bundle.putXxx does.
type Extras []Extra

// Put sets key to a value of a Java type.
func (e *Extras) Put(key, typ string, v any) {
	for i := range *e {
		if (*e)[i].Key == key {
			(*e)[i] = Extra{Key: key, Type: typ, Value: v}
			return
		}
	}
	*e = append(*e, Extra{Key: key, Type: typ, Value: v})
}

// PutString sets a String extra (Intent.putExtra(key, String)).
func (e *Extras) PutString(key, v string) { e.Put(key, "String", v) }

// Get returns a key's extra.
func (e Extras) Get(key string) (Extra, bool) {
	for _, x := range e {
		if x.Key == key {
			return x, true
		}
	}
	return Extra{}, false
}

// Lookup finds a value by a dotted path into nested objects
// ("key_message.extra.ext"), as an app reads a vendor object's field.
func (e Extras) Lookup(path string) (any, bool) {
	if x, ok := e.Get(path); ok {
		return x.Value, true
	}
	for i := len(path) - 1; i > 0; i-- {
		if path[i] != '.' {
			continue
		}
		x, ok := e.Get(path[:i])
		if !ok {
			continue
		}
		v := x.Value
		for _, part := range strings.Split(path[i+1:], ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[part]; !ok {
				return nil, false
			}
		}
		return v, true
	}
	return nil, false
}

// MarshalJSON writes the extras as one object in insertion order
// ({"ext": "...", "count": 3}); the Java types are in Types.
func (e Extras) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, x := range e {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(x.Key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(jsonValue(x.Value))
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the object MarshalJSON writes; values keep their JSON
// types (strings String, numbers double, booleans boolean).
func (e *Extras) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*e = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("extras: want an object")
	}
	var out Extras
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var v any
		if err := dec.Decode(&v); err != nil {
			return err
		}
		key, _ := kt.(string)
		switch x := v.(type) {
		case string:
			out.Put(key, "String", x)
		case bool:
			out.Put(key, "boolean", x)
		case json.Number:
			if n, err := x.Int64(); err == nil {
				out.Put(key, "long", n)
			} else {
				f, _ := x.Float64()
				out.Put(key, "double", f)
			}
		default:
			out.Put(key, "Object", v)
		}
	}
	*e = out
	return nil
}

// Types maps each key to its Java type.
func (e Extras) Types() map[string]string {
	if len(e) == 0 {
		return nil
	}
	m := make(map[string]string, len(e))
	for _, x := range e {
		m[x.Key] = x.Type
	}
	return m
}

// jsonValue makes NaN and infinities (legal in d. and f. extras) JSON-safe.
func jsonValue(v any) any {
	switch f := v.(type) {
	case float64:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return strconv.FormatFloat(f, 'g', -1, 64)
		}
	case float32:
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return strconv.FormatFloat(float64(f), 'g', -1, 32)
		}
	}
	return v
}

// Intent is what a tap starts: an action, categories, data, an optional
// explicit component or package, flags and extras.
type Intent struct {
	Action     string   `json:"action,omitempty"`
	Categories []string `json:"categories,omitempty"`
	// Data is the data URI as written; DataURI parses it.
	Data       string     `json:"data,omitempty"`
	Type       string     `json:"type,omitempty"`
	Identifier string     `json:"identifier,omitempty"`
	Package    string     `json:"package,omitempty"`
	Component  *Component `json:"component,omitempty"`
	// ComponentText is a component= value ComponentName.unflattenFromString
	// could not read (no '/'): Android drops it and the intent is implicit.
	ComponentText string  `json:"component_text,omitempty"`
	Flags         int32   `json:"flags,omitempty"`
	Extras        Extras  `json:"extras,omitempty"`
	Selector      *Intent `json:"selector,omitempty"`
	SourceBounds  string  `json:"source_bounds,omitempty"`
	hasData       bool
}

// HasData reports whether the intent carries a data URI.
func (in *Intent) HasData() bool { return in.hasData || in.Data != "" }

// DataURI is the intent's data parsed as Uri.parse does.
func (in *Intent) DataURI() (Uri, bool) {
	if !in.HasData() {
		return Uri{}, false
	}
	return ParseUri(in.Data), true
}

func (in *Intent) setData(s string) { in.Data, in.hasData = s, true }

func (in *Intent) addCategory(c string) {
	for _, x := range in.Categories {
		if x == c {
			return
		}
	}
	in.Categories = append(in.Categories, c)
}

// URIError is an intent URI that Intent.parseUri refuses, with what it
// stumbled on. Android throws URISyntaxException for most of these and
// NumberFormatException for a bad number; either way the vendor's SDK
// opens nothing.
type URIError struct {
	URI    string
	Index  int // byte offset, -1 = unknown
	Reason string
}

func (e *URIError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("malformed intent URI (%s at index %d): %s", e.Reason, e.Index, e.URI)
	}
	return fmt.Sprintf("malformed intent URI (%s): %s", e.Reason, e.URI)
}

// MaxIntentURI bounds what ParseIntentURI reads; vendor fields are far
// shorter (vivo skipContent 1024, OPPO click_action_url 2000).
const MaxIntentURI = 64 << 10

// ParseIntentURI reads an intent URI exactly as
// Intent.parseUri(uri, Intent.URI_INTENT_SCHEME) does, which is how the
// vendors' SDKs read intent_uri (Xiaomi), click_action.intent (Huawei),
// click_action_url (OPPO 5) and skipContent (vivo 4):
//
//   - "intent://host/path#Intent;scheme=s;...;end": the data is
//     s://host/path; "intent:#Intent;...;end" has no data unless scheme= is
//     given (then "s:").
//   - name=value items: action, category, type, identifier, launchFlags
//     (Integer.decode; the URI-permission grant bits are cleared), package,
//     component (pkg/cls, pkg/.Cls), scheme, sourceBounds, SEL (a selector
//     intent follows), and typed extras S. B. b. c. d. f. i. l. s.; values
//     and extra keys are URL-decoded (Uri.decode: '+' stays '+').
//   - "android-app://pkg[/scheme[/host/path]]#Intent;...;end".
//   - anything not starting with "intent:" or "android-app:" is an
//     ACTION_VIEW intent whose data is the whole string (a deep link or URL).
//   - a '#' fragment that is not "#Intent;" is read in the pre-1.0 format
//     (#action(...)categories(...)type(...)launchFlags(...)component(pkg!cls)).
//
// A missing ";end", an unknown extra type, a bad number or an item without
// '=' is a *URIError.
func ParseIntentURI(uri string) (*Intent, error) {
	if len(uri) > MaxIntentURI {
		return nil, &URIError{URI: uri[:64] + "…", Index: -1, Reason: fmt.Sprintf("longer than %d bytes", MaxIntentURI)}
	}
	androidApp := strings.HasPrefix(uri, "android-app:")
	if !strings.HasPrefix(uri, "intent:") && !androidApp {
		in := &Intent{Action: ActionView}
		in.setData(uri)
		return in, nil
	}
	i := strings.LastIndexByte(uri, '#')
	if i == -1 {
		if !androidApp {
			in := &Intent{Action: ActionView}
			in.setData(uri)
			return in, nil
		}
	} else if !strings.HasPrefix(uri[i:], "#Intent;") {
		if !androidApp {
			return intentOld(uri)
		}
		i = -1
	}

	intent := &Intent{Action: ActionView}
	base := intent
	explicitAction, inSelector := false, false
	var scheme *string
	var data string
	if i >= 0 {
		data = uri[:i]
		i += 8
	} else {
		data = uri
	}
	bad := func(at int, format string, a ...any) (*Intent, error) {
		return nil, &URIError{URI: uri, Index: at, Reason: fmt.Sprintf(format, a...)}
	}
	for guard := 0; i >= 0 && !strings.HasPrefix(uri[min(i, len(uri)):], "end"); guard++ {
		if i >= len(uri) || guard > len(uri)+1 {
			// Java runs off the end of the string: no ";end".
			return bad(i, "no ;end")
		}
		eq := indexFrom(uri, '=', i)
		if eq < 0 {
			eq = i - 1
		}
		semi := indexFrom(uri, ';', i)
		if semi < 0 {
			return bad(i, "no ;end after %q", uri[i:])
		}
		value := ""
		if eq < semi {
			value = Decode(uri[eq+1 : semi])
		}
		rest := uri[i:]
		switch {
		case strings.HasPrefix(rest, "action="):
			intent.Action = value
			if !inSelector {
				explicitAction = true
			}
		case strings.HasPrefix(rest, "category="):
			intent.addCategory(value)
		case strings.HasPrefix(rest, "type="):
			intent.Type = value
		case strings.HasPrefix(rest, "identifier="):
			intent.Identifier = value
		case strings.HasPrefix(rest, "launchFlags="):
			f, err := javaDecodeInt(value)
			if err != nil {
				return bad(i, "launchFlags=%s: %v", value, err)
			}
			intent.Flags = f &^ immutableFlags
		case strings.HasPrefix(rest, "package="):
			intent.Package = value
		case strings.HasPrefix(rest, "component="):
			if c, ok := UnflattenComponent(value); ok {
				intent.Component, intent.ComponentText = &c, ""
			} else {
				intent.Component, intent.ComponentText = nil, value
			}
		case strings.HasPrefix(rest, "scheme="):
			if inSelector {
				intent.setData(value + ":")
			} else {
				v := value
				scheme = &v
			}
		case strings.HasPrefix(rest, "sourceBounds="):
			intent.SourceBounds = value
		case semi == i+3 && strings.HasPrefix(rest, "SEL"):
			intent = &Intent{}
			inSelector = true
		default:
			if eq < i+2 {
				return bad(i, "%q is not name=value", uri[i:semi])
			}
			key := Decode(uri[i+2 : eq])
			if err := putTyped(&intent.Extras, rest[:2], key, value); err != nil {
				return bad(i, "%v", err)
			}
		}
		i = semi + 1
	}
	if inSelector {
		if base.Package == "" {
			base.Selector = intent
		}
		intent = base
	}
	switch {
	case strings.HasPrefix(data, "intent:"):
		data = data[7:]
		if scheme != nil {
			data = *scheme + ":" + data
		}
	case strings.HasPrefix(data, "android-app:"):
		if len(data) < 14 {
			return bad(-1, "illegal Intent URI format")
		}
		if data[12] == '/' && data[13] == '/' {
			end := indexFrom(data, '/', 14)
			if end < 0 {
				intent.Package = data[14:]
				if !explicitAction {
					intent.Action = ActionMain
				}
				data = ""
			} else {
				var authority *string
				intent.Package = data[14:end]
				if end+1 < len(data) {
					if ne := indexFrom(data, '/', end+1); ne >= 0 {
						s := data[end+1 : ne]
						scheme = &s
						end = ne
						if ne2 := indexFrom(data, '/', end+1); end < len(data) && ne2 >= 0 {
							a := data[end+1 : ne2]
							authority = &a
							end = ne2
						}
					} else {
						s := data[end+1:]
						scheme = &s
					}
				}
				switch {
				case scheme == nil:
					if !explicitAction {
						intent.Action = ActionMain
					}
					data = ""
				case authority == nil:
					data = *scheme + ":"
				default:
					data = *scheme + "://" + *authority + data[end:]
				}
			}
		} else {
			data = ""
		}
	}
	if data != "" {
		intent.setData(data)
	}
	return intent, nil
}

func indexFrom(s string, c byte, from int) int {
	if from >= len(s) {
		return -1
	}
	if from < 0 {
		from = 0
	}
	j := strings.IndexByte(s[from:], c)
	if j < 0 {
		return -1
	}
	return from + j
}

// putTyped adds an extra the way parseUri's Bundle.putXxx calls do.
func putTyped(e *Extras, prefix, key, value string) error {
	switch prefix {
	case "S.":
		e.Put(key, "String", value)
	case "B.":
		e.Put(key, "boolean", strings.EqualFold(value, "true")) // Boolean.parseBoolean
	case "b.":
		n, err := javaParseInt(value, 8)
		if err != nil {
			return fmt.Errorf("b.%s=%s: %v", key, value, err)
		}
		e.Put(key, "byte", int8(n))
	case "c.":
		if value == "" {
			return fmt.Errorf("c.%s has no character", key)
		}
		r, _ := utf8.DecodeRuneInString(value)
		e.Put(key, "char", string(r))
	case "d.":
		f, err := javaParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("d.%s=%s: %v", key, value, err)
		}
		e.Put(key, "double", f)
	case "f.":
		f, err := javaParseFloat(value, 32)
		if err != nil {
			return fmt.Errorf("f.%s=%s: %v", key, value, err)
		}
		e.Put(key, "float", float32(f))
	case "i.":
		n, err := javaParseInt(value, 32)
		if err != nil {
			return fmt.Errorf("i.%s=%s: %v", key, value, err)
		}
		e.Put(key, "int", int32(n))
	case "l.":
		n, err := javaParseInt(value, 64)
		if err != nil {
			return fmt.Errorf("l.%s=%s: %v", key, value, err)
		}
		e.Put(key, "long", n)
	case "s.":
		n, err := javaParseInt(value, 16)
		if err != nil {
			return fmt.Errorf("s.%s=%s: %v", key, value, err)
		}
		e.Put(key, "short", int16(n))
	default:
		return fmt.Errorf("unknown EXTRA type %q", prefix)
	}
	return nil
}

// javaParseInt is Integer/Long/Short/Byte.parseXxx: an optional sign and
// decimal digits, in range.
func javaParseInt(s string, bits int) (int64, error) {
	if s == "" || s == "+" || s == "-" {
		return 0, fmt.Errorf("not a number")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && !(i == 0 && (c == '+' || c == '-')) {
			return 0, fmt.Errorf("not a number")
		}
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("out of range for a %d-bit number", bits)
	}
	return n, nil
}

// javaDecodeInt is Integer.decode: a sign, then 0x / 0X / # (hex), 0
// (octal) or decimal digits; the value must fit an int.
func javaDecodeInt(s string) (int32, error) {
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	neg := false
	i := 0
	if s[0] == '-' || s[0] == '+' {
		neg, i = s[0] == '-', 1
	}
	base := 10
	switch {
	case strings.HasPrefix(s[i:], "0x"), strings.HasPrefix(s[i:], "0X"):
		base, i = 16, i+2
	case strings.HasPrefix(s[i:], "#"):
		base, i = 16, i+1
	case strings.HasPrefix(s[i:], "0") && len(s) > i+1:
		base, i = 8, i+1
	}
	digits := s[i:]
	if digits == "" || digits[0] == '-' || digits[0] == '+' {
		return 0, fmt.Errorf("not a number")
	}
	if neg {
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, base, 32)
	if err != nil {
		return 0, fmt.Errorf("not an int")
	}
	return int32(n), nil
}

// javaFloat is the syntax Double.parseDouble / Float.parseFloat accept
// (after trimming): NaN, Infinity, decimal or hexadecimal with an optional
// f/F/d/D suffix.
var javaFloat = regexp.MustCompile(`^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX]([0-9a-fA-F]+\.?|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP][+-]?\d+)[fFdD]?)$`)

func javaParseFloat(s string, bits int) (float64, error) {
	s = strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
	if !javaFloat.MatchString(s) {
		return 0, fmt.Errorf("not a number")
	}
	s = strings.TrimRight(s, "fFdD")
	if strings.HasSuffix(s, "Infinity") {
		s = strings.TrimSuffix(s, "Infinity") + "Inf"
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		var ne *strconv.NumError
		if ok := asNumError(err, &ne); ok && ne.Err == strconv.ErrRange {
			return f, nil // Java rounds to ±Infinity or 0
		}
		return 0, fmt.Errorf("not a number")
	}
	return f, nil
}

func asNumError(err error, ne **strconv.NumError) bool {
	e, ok := err.(*strconv.NumError)
	if ok {
		*ne = e
	}
	return ok
}

// intentOld reads the pre-1.0 intent URI format (Intent.getIntentOld):
// "data#action(a)categories(c1!c2)type(t)launchFlags(n)component(pkg!cls)".
// No vendor writes it, but Android still reads it for a '#' that is not
// "#Intent;", so a mistyped fragment lands here.
func intentOld(uri string) (*Intent, error) {
	i := strings.LastIndexByte(uri, '#')
	in := &Intent{}
	bad := func(reason string) (*Intent, error) {
		return nil, &URIError{URI: uri, Index: i, Reason: reason}
	}
	start, isFragment := i, false
	i++
	section := func(name string) (string, bool, error) {
		if !strings.HasPrefix(uri[min(i, len(uri)):], name+"(") {
			return "", false, nil
		}
		i += len(name) + 1
		j := indexFrom(uri, ')', i)
		if j < 0 {
			return "", false, fmt.Errorf("%s( is not closed", name)
		}
		v := uri[i:j]
		i = j + 1
		isFragment = true
		return v, true, nil
	}
	if v, ok, err := section("action"); err != nil {
		return bad(err.Error())
	} else if ok {
		in.Action = v
	}
	if v, ok, err := section("categories"); err != nil {
		return bad(err.Error())
	} else if ok {
		for _, c := range strings.Split(v, "!") {
			if c != "" {
				in.addCategory(c)
			}
		}
	}
	if v, ok, err := section("type"); err != nil {
		return bad(err.Error())
	} else if ok {
		in.Type = v
	}
	if v, ok, err := section("launchFlags"); err != nil {
		return bad(err.Error())
	} else if ok {
		f, err := javaDecodeInt(v)
		if err != nil {
			return bad("launchFlags(" + v + "): " + err.Error())
		}
		in.Flags = f &^ immutableFlags
	}
	if v, ok, err := section("component"); err != nil {
		return bad(err.Error())
	} else if ok {
		if pkg, cls, found := strings.Cut(v, "!"); found {
			in.Component = &Component{Package: pkg, Class: cls}
		}
	}
	if strings.HasPrefix(uri[min(i, len(uri)):], "extras(") {
		return bad("the pre-1.0 extras( section is not modelled")
	}
	if isFragment {
		in.setData(uri[:start])
	} else {
		in.setData(uri)
	}
	if in.Action == "" {
		in.Action = ActionView
	}
	return in, nil
}
