package android

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shogo82148/androidbinary"
)

// Launch modes (android:launchMode), by name; the binary manifest stores
// their index in this order.
var launchModes = []string{"standard", "singleTop", "singleTask", "singleInstance", "singleInstancePerTask"}

// Manifest is what the phone's package manager knows about the app: its
// package, SDK levels and activities (with <activity-alias> entries) in
// manifest order.
type Manifest struct {
	Package    string     `json:"package"`
	MinSDK     int        `json:"min_sdk,omitempty"`
	TargetSDK  int        `json:"target_sdk,omitempty"` // 0 = not in the manifest (set by the build)
	Activities []Activity `json:"activities"`
	// Default is true for a manifest DefaultManifest made up because the
	// app carried none.
	Default bool `json:"default,omitempty"`
}

// Activity is an <activity> or <activity-alias>.
type Activity struct {
	// Name is the fully qualified class (or alias) name; RawName is
	// android:name as written (".MainActivity").
	Name    string `json:"name"`
	RawName string `json:"raw_name,omitempty"`
	Alias   bool   `json:"alias,omitempty"`
	// Target is an alias's android:targetActivity, fully qualified.
	Target string `json:"target,omitempty"`
	// Exported is the effective value: android:exported when written,
	// else whether the activity has intent filters (the documented default).
	Exported    bool `json:"exported"`
	ExportedSet bool `json:"exported_set"`
	Enabled     bool `json:"enabled"`
	// Permission is android:permission (or the application's): a caller
	// must hold it to start the activity.
	Permission   string         `json:"permission,omitempty"`
	LaunchMode   string         `json:"launch_mode"`
	TaskAffinity string         `json:"task_affinity,omitempty"`
	Filters      []IntentFilter `json:"filters,omitempty"`
	Line         int            `json:"line,omitempty"` // in a text manifest
}

// IntentFilter is an <intent-filter>. Its <data> elements are merged, as
// Android merges them: every scheme combines with every authority and path.
type IntentFilter struct {
	Actions     []string      `json:"actions,omitempty"`
	Categories  []string      `json:"categories,omitempty"`
	Schemes     []string      `json:"schemes,omitempty"`
	Authorities []Authority   `json:"authorities,omitempty"`
	Paths       []PathPattern `json:"paths,omitempty"`
	Types       []string      `json:"types,omitempty"`
	Priority    int           `json:"priority,omitempty"`
	Line        int           `json:"line,omitempty"`
}

// Authority is a <data android:host android:port>; Port -1 is any port. A
// host starting with '*' matches any host ending with the rest.
type Authority struct {
	Host string `json:"host"`
	Port int    `json:"port"`
}

// Path kinds, as the <data> attributes name them.
const (
	PathLiteral  = "path"
	PathPrefix   = "pathPrefix"
	PathGlob     = "pathPattern"
	PathAdvanced = "pathAdvancedPattern"
	PathSuffix   = "pathSuffix"
)

// PathPattern is one path rule of a filter (PatternMatcher).
type PathPattern struct {
	Kind    string `json:"kind"`
	Pattern string `json:"pattern"`
}

// ManifestError is a manifest the package manager would not read.
type ManifestError struct {
	Line int
	Msg  string
}

func (e *ManifestError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("AndroidManifest.xml line %d: %s", e.Line, e.Msg)
	}
	return "AndroidManifest.xml: " + e.Msg
}

// MaxManifest bounds a manifest's size (plain or binary); real ones are
// tens of kilobytes.
const MaxManifest = 4 << 20

// ParseManifest reads a manifest: a plain AndroidManifest.xml, the binary
// one compiled into an app, or a whole .apk (its AndroidManifest.xml, with
// resource references resolved through resources.arsc when present).
func ParseManifest(data []byte) (*Manifest, error) {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return ParseAPK(bytes.NewReader(data), int64(len(data)))
	case len(data) > MaxManifest:
		return nil, &ManifestError{Msg: fmt.Sprintf("larger than %d bytes", MaxManifest)}
	case isBinaryXML(data):
		text, err := binaryToText(data)
		if err != nil {
			return nil, err
		}
		return parseText(text, true, nil)
	}
	return parseText(data, false, nil)
}

// ReadManifest reads ParseManifest's input from a file.
func ReadManifest(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	if n, _ := f.ReadAt(magic[:], 0); n == 4 && string(magic[:]) == "PK\x03\x04" {
		m, err := ParseAPK(f, st.Size())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return m, nil
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxManifest+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// ParseAPK reads the manifest of an .apk (a zip): AndroidManifest.xml in
// Android's binary XML, decoded with androidbinary; attribute values that
// are resource references (@0x7f...) are looked up in resources.arsc.
func ParseAPK(r io.ReaderAt, size int64) (*Manifest, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("apk: %w", err)
	}
	read := func(name string) ([]byte, error) {
		for _, f := range z.File {
			if f.Name != name {
				continue
			}
			if f.UncompressedSize64 > MaxManifest*4 {
				return nil, fmt.Errorf("apk: %s is larger than %d bytes", name, MaxManifest*4)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("apk: %s: %w", name, err)
			}
			defer rc.Close()
			return io.ReadAll(io.LimitReader(rc, MaxManifest*4))
		}
		return nil, nil
	}
	bin, err := read("AndroidManifest.xml")
	if err != nil {
		return nil, err
	}
	if bin == nil {
		return nil, errors.New("apk: no AndroidManifest.xml")
	}
	if !isBinaryXML(bin) {
		return nil, errors.New("apk: AndroidManifest.xml is not Android binary XML")
	}
	text, err := binaryToText(bin)
	if err != nil {
		return nil, err
	}
	var resolve func(string) string
	if arsc, err := read("resources.arsc"); err == nil && arsc != nil {
		if table, err := safeTable(arsc); err == nil {
			resolve = func(v string) string {
				id, err := androidbinary.ParseResID(v)
				if err != nil {
					return v
				}
				res, err := table.GetResource(id, nil)
				if err != nil || res == nil {
					return v
				}
				return fmt.Sprint(res)
			}
		}
	}
	return parseText(text, true, resolve)
}

// isBinaryXML reports Android's RES_XML_TYPE chunk header (0x0003, header size 8).
func isBinaryXML(b []byte) bool {
	return len(b) >= 8 && b[0] == 0x03 && b[1] == 0x00 && b[2] == 0x08 && b[3] == 0x00
}

// binaryToText decodes binary XML; androidbinary is trusted not to panic,
// but a malformed file must never take the server down, so a panic is an
// error here.
func binaryToText(b []byte) (text []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &ManifestError{Msg: fmt.Sprintf("malformed binary XML: %v", p)}
		}
	}()
	if err := checkBinaryXML(b); err != nil {
		return nil, err
	}
	f, err := androidbinary.NewXMLFile(bytes.NewReader(b))
	if err != nil {
		return nil, &ManifestError{Msg: "malformed binary XML: " + err.Error()}
	}
	return io.ReadAll(f.Reader())
}

// maxDecoded bounds the text a binary manifest may decode to (strings
// can be shared by offset, so a small file can name huge text).
const maxDecoded = MaxManifest

// checkBinaryXML walks the chunks of binary XML before androidbinary
// reads it: that library trusts counts and lengths (a string pool claiming
// 2^32 strings allocates them), so every count, offset and length must fit
// inside the file, and the text it decodes to must stay under maxDecoded.
func checkBinaryXML(b []byte) error {
	bad := func(format string, a ...any) error {
		return &ManifestError{Msg: "malformed binary XML: " + fmt.Sprintf(format, a...)}
	}
	u16 := func(off int) int { return int(binary.LittleEndian.Uint16(b[off:])) }
	u32 := func(off int) int { return int(binary.LittleEndian.Uint32(b[off:])) }
	if len(b) < 8 || u16(2) != 8 {
		return bad("no RES_XML_TYPE header")
	}
	total := u32(4)
	if total > len(b) || total < 8 {
		return bad("file size %d does not match %d bytes", total, len(b))
	}
	var lengths []int // of the pool's strings, in bytes of decoded text (upper bound)
	decoded := 0
	for off := 8; off < total; {
		if off+8 > total {
			return bad("truncated chunk at %d", off)
		}
		typ, hsize, size := u16(off), u16(off+2), u32(off+4)
		if hsize < 8 || size < hsize || off+size > total {
			return bad("chunk at %d has header %d and size %d", off, hsize, size)
		}
		end := off + size
		switch typ {
		case 0x0001: // string pool
			if hsize < 28 || lengths != nil {
				return bad("string pool at %d", off)
			}
			count, styles, flags, strStart, styleStart := u32(off+8), u32(off+12), u32(off+16), u32(off+20), u32(off+24)
			idx := off + hsize
			if count > size/4 || styles > size/4 || idx+4*(count+styles) > end {
				return bad("string pool counts %d/%d do not fit", count, styles)
			}
			lengths = make([]int, count)
			for i := 0; i < count; i++ {
				p := off + strStart + u32(idx+4*i)
				n, err := poolString(b[:end], p, flags&(1<<8) != 0)
				if err != nil {
					return bad("string %d: %v", i, err)
				}
				lengths[i] = n
			}
			for i := 0; i < styles; i++ {
				if p := off + styleStart + u32(idx+4*(count+i)); p < off || p+12 > end {
					return bad("style %d is outside the pool", i)
				}
			}
		case 0x0102: // start element
			if size < hsize+20 {
				return bad("start element at %d is too short", off)
			}
			ext := off + hsize
			attrStart, attrSize, attrCount := u16(ext+8), u16(ext+10), u16(ext+12)
			if attrCount > 0 && (attrSize < 20 || ext+attrStart+attrCount*attrSize > end) {
				return bad("attributes of the element at %d do not fit", off)
			}
			decoded += 64 + strLen(lengths, u32(ext+4))
			for i := 0; i < attrCount; i++ {
				a := ext + attrStart + i*attrSize
				decoded += 16 + strLen(lengths, u32(a+4)) + strLen(lengths, u32(a+8))
			}
		case 0x0103:
			decoded += 16
		}
		if decoded > maxDecoded {
			return bad("decodes to more than %d bytes", maxDecoded)
		}
		off = end
	}
	return nil
}

// poolString checks one string of the pool at p and returns its decoded
// size in bytes (at most 3 per UTF-16 unit).
func poolString(b []byte, p int, utf8 bool) (int, error) {
	if p < 0 || p+2 > len(b) {
		return 0, fmt.Errorf("offset %d is outside the pool", p)
	}
	if utf8 {
		skip := 1
		if b[p]&0x80 != 0 {
			skip = 2
		}
		p += skip
		if p+2 > len(b) {
			return 0, fmt.Errorf("truncated length")
		}
		n := int(b[p])
		if b[p]&0x80 != 0 {
			n, p = int(b[p]&0x7F)<<8|int(b[p+1]), p+2
		} else {
			p++
		}
		if p+n > len(b) {
			return 0, fmt.Errorf("length %d runs past the pool", n)
		}
		return n, nil
	}
	n := int(binary.LittleEndian.Uint16(b[p:]))
	p += 2
	if n&0x8000 != 0 {
		if p+2 > len(b) {
			return 0, fmt.Errorf("truncated length")
		}
		n = (n&0x7FFF)<<16 | int(binary.LittleEndian.Uint16(b[p:]))
		p += 2
	}
	if n > (len(b)-p)/2 {
		return 0, fmt.Errorf("length %d runs past the pool", n)
	}
	return 3 * n, nil
}

func strLen(lengths []int, ref int) int {
	if ref >= 0 && ref < len(lengths) {
		return lengths[ref]
	}
	return 0
}

func safeTable(b []byte) (t *androidbinary.TableFile, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("resources.arsc: %v", p)
		}
	}()
	return androidbinary.NewTableFile(bytes.NewReader(b))
}

// DefaultManifest is what pushsim assumes for an app that carries no
// manifest: the package with one exported launcher activity,
// <pkg>.MainActivity (standard launch mode, MAIN/LAUNCHER filter), so
// launcher clicks open it and anything else is explained against it.
func DefaultManifest(pkg string) *Manifest {
	return &Manifest{
		Package: pkg,
		Default: true,
		Activities: []Activity{{
			Name: BuildClassName(pkg, defaultLauncherCls), RawName: defaultLauncherCls,
			Exported: true, Enabled: true, LaunchMode: "standard",
			Filters: []IntentFilter{{Actions: []string{ActionMain}, Categories: []string{CategoryLauncher}}},
		}},
	}
}

// BuildClassName is how the package manager completes android:name:
// ".Foo" and "Foo" (no dot) are in the package; "a.b.Foo" is as written.
func BuildClassName(pkg, name string) string {
	switch {
	case pkg == "" || name == "":
		return name
	case strings.HasPrefix(name, "."):
		return pkg + name
	case !strings.Contains(name, "."):
		return pkg + "." + name
	}
	return name
}

// SetPackage sets the package of a manifest that did not name one (a
// source manifest under the Android Gradle plugin's `namespace`) and
// completes relative class names with it.
func (m *Manifest) SetPackage(pkg string) {
	if m.Package != "" || pkg == "" {
		return
	}
	m.Package = pkg
	for i := range m.Activities {
		a := &m.Activities[i]
		a.Name = BuildClassName(pkg, a.RawName)
		if a.Alias {
			a.Target = BuildClassName(pkg, a.Target) // unchanged when already qualified
		}
	}
}

// Activity finds an activity or alias by fully qualified name.
func (m *Manifest) Activity(name string) (*Activity, bool) {
	for i := range m.Activities {
		if m.Activities[i].Name == name {
			return &m.Activities[i], true
		}
	}
	return nil, false
}

func (m *Manifest) index(name string) int {
	for i := range m.Activities {
		if m.Activities[i].Name == name {
			return i
		}
	}
	return -1
}

// Launcher is the activity getLaunchIntentForPackage starts: the first
// enabled one with an ACTION_MAIN filter in CATEGORY_INFO, else in
// CATEGORY_LAUNCHER.
func (m *Manifest) Launcher() (*Activity, bool) {
	for _, cat := range []string{CategoryInfo, CategoryLauncher} {
		for i := range m.Activities {
			a := &m.Activities[i]
			if !a.Enabled {
				continue
			}
			for _, f := range a.Filters {
				if contains(f.Actions, ActionMain) && contains(f.Categories, cat) {
					return a, true
				}
			}
		}
	}
	return nil, false
}

// Problems are what stops the package manager from installing the app on
// a phone of API level api (0 = the newest): today, an activity with
// intent filters and no android:exported when the app targets Android 12
// (API 31) or later.
func (m *Manifest) Problems(api int) []string {
	if m.TargetSDK < 31 || (api > 0 && api < 31) {
		return nil
	}
	var out []string
	for _, a := range m.Activities {
		if len(a.Filters) > 0 && !a.ExportedSet {
			out = append(out, fmt.Sprintf("%s: Targeting S+ (version 31 and above) requires that an explicit value for android:exported be defined when intent filters are present", a.Name))
		}
	}
	return out
}

// parseText reads manifest XML. fromBinary says the text came from binary
// XML: values are final (no aapt escapes) and enums may be numbers.
func parseText(data []byte, fromBinary bool, resolve func(string) string) (*Manifest, error) {
	if !utf8.Valid(data) {
		return nil, &ManifestError{Msg: "not UTF-8"}
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "utf8") {
			return input, nil
		}
		return nil, fmt.Errorf("encoding %q: only UTF-8 manifests are read", label)
	}
	m := &Manifest{}
	var (
		stack      []string
		sawRoot    bool
		appEnabled = true
		appPerm    string
		act        *Activity
		filter     *IntentFilter
	)
	line := func() int {
		if fromBinary {
			return 0 // the decoded text has no meaningful lines
		}
		off := dec.InputOffset()
		return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1
	}
	attr := func(se xml.StartElement, name string) (string, bool) {
		for _, a := range se.Attr {
			if a.Name.Local == name && (a.Name.Space == androidNS || (name == "package" && a.Name.Space == "")) {
				v := a.Value
				if !fromBinary {
					v = aaptUnescape(v)
				}
				if resolve != nil && strings.HasPrefix(v, "@0x") {
					v = resolve(v)
				}
				return v, true
			}
		}
		return "", false
	}
	boolAttr := func(se xml.StartElement, name string, def bool) (bool, bool, error) {
		v, ok := attr(se, name)
		if !ok {
			return def, false, nil
		}
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true, true, nil
		case "false":
			return false, true, nil
		}
		return def, true, &ManifestError{Line: line(), Msg: fmt.Sprintf("android:%s=%q is not true or false (a resource pushsim cannot resolve?)", name, v)}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &ManifestError{Line: se.Line, Msg: se.Msg}
			}
			return nil, &ManifestError{Line: line(), Msg: err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			el := t.Name.Local
			parent := ""
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			stack = append(stack, el)
			if len(stack) > 64 {
				return nil, &ManifestError{Line: line(), Msg: "elements nested deeper than 64"}
			}
			switch {
			case len(stack) == 1:
				if el != "manifest" {
					return nil, &ManifestError{Line: line(), Msg: fmt.Sprintf("root element is <%s>, want <manifest>", el)}
				}
				sawRoot = true
				m.Package, _ = attr(t, "package")
			case el == "uses-sdk" && parent == "manifest":
				if v, ok := attr(t, "minSdkVersion"); ok {
					m.MinSDK, _ = strconv.Atoi(strings.TrimSpace(v))
				}
				if v, ok := attr(t, "targetSdkVersion"); ok {
					m.TargetSDK, _ = strconv.Atoi(strings.TrimSpace(v))
				}
			case el == "application" && parent == "manifest":
				var err error
				if appEnabled, _, err = boolAttr(t, "enabled", true); err != nil {
					return nil, err
				}
				appPerm, _ = attr(t, "permission")
			case (el == "activity" || el == "activity-alias") && parent == "application":
				name, _ := attr(t, "name")
				if strings.TrimSpace(name) == "" {
					return nil, &ManifestError{Line: line(), Msg: fmt.Sprintf("<%s> without android:name", el)}
				}
				name = strings.TrimSpace(name)
				a := Activity{RawName: name, Name: BuildClassName(m.Package, name), Alias: el == "activity-alias", Line: line(), LaunchMode: "standard"}
				var err error
				if a.Exported, a.ExportedSet, err = boolAttr(t, "exported", false); err != nil {
					return nil, err
				}
				enabled, _, err := boolAttr(t, "enabled", true)
				if err != nil {
					return nil, err
				}
				a.Enabled = enabled && appEnabled
				a.Permission = appPerm
				if v, ok := attr(t, "permission"); ok {
					a.Permission = v
				}
				if v, ok := attr(t, "launchMode"); ok {
					lm, ok := launchMode(v)
					if !ok {
						return nil, &ManifestError{Line: line(), Msg: fmt.Sprintf("android:launchMode=%q is not one of %s", v, strings.Join(launchModes, ", "))}
					}
					a.LaunchMode = lm
				}
				a.TaskAffinity, _ = attr(t, "taskAffinity")
				if a.Alias {
					target, _ := attr(t, "targetActivity")
					if strings.TrimSpace(target) == "" {
						return nil, &ManifestError{Line: line(), Msg: "<activity-alias> without android:targetActivity"}
					}
					a.Target = BuildClassName(m.Package, strings.TrimSpace(target))
				}
				m.Activities = append(m.Activities, a)
				act = &m.Activities[len(m.Activities)-1]
			case el == "intent-filter" && (parent == "activity" || parent == "activity-alias") && act != nil:
				f := IntentFilter{Line: line()}
				if v, ok := attr(t, "priority"); ok {
					f.Priority, _ = strconv.Atoi(strings.TrimSpace(v))
				}
				act.Filters = append(act.Filters, f)
				filter = &act.Filters[len(act.Filters)-1]
			case parent == "intent-filter" && filter != nil:
				switch el {
				case "action":
					if v, ok := attr(t, "name"); ok && v != "" {
						filter.Actions = appendNew(filter.Actions, v)
					}
				case "category":
					if v, ok := attr(t, "name"); ok && v != "" {
						filter.Categories = appendNew(filter.Categories, v)
					}
				case "data":
					if err := addData(filter, t, attr, line); err != nil {
						return nil, err
					}
				}
			}
		case xml.EndElement:
			if len(stack) == 0 {
				break
			}
			switch stack[len(stack)-1] {
			case "intent-filter":
				filter = nil
			case "activity", "activity-alias":
				act, filter = nil, nil
			}
			stack = stack[:len(stack)-1]
		}
	}
	if !sawRoot {
		return nil, &ManifestError{Msg: "no <manifest> element"}
	}
	for i := range m.Activities {
		a := &m.Activities[i]
		if !a.ExportedSet {
			a.Exported = len(a.Filters) > 0 // the documented default
		}
	}
	for i, a := range m.Activities {
		if a.Alias {
			if j := m.index(a.Target); j < 0 || j > i || m.Activities[j].Alias {
				return nil, &ManifestError{Line: a.Line, Msg: fmt.Sprintf("<activity-alias %s>: targetActivity %s is not an <activity> declared before it", a.RawName, a.Target)}
			}
		}
	}
	return m, nil
}

// addData merges one <data> element into a filter, as
// PackageParser/ParsedIntentInfo does: a host is an authority (with its
// port), paths are kept whatever the host (they only apply with one).
func addData(f *IntentFilter, se xml.StartElement, attr func(xml.StartElement, string) (string, bool), line func() int) error {
	if v, ok := attr(se, "scheme"); ok && v != "" {
		f.Schemes = appendNew(f.Schemes, v)
	}
	if host, ok := attr(se, "host"); ok && host != "" {
		port := -1
		if v, ok := attr(se, "port"); ok && v != "" {
			p, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return &ManifestError{Line: line(), Msg: fmt.Sprintf("android:port=%q is not a number", v)}
			}
			port = p
		}
		a := Authority{Host: host, Port: port}
		if !containsAuthority(f.Authorities, a) {
			f.Authorities = append(f.Authorities, a)
		}
	}
	for _, kind := range []string{PathLiteral, PathPrefix, PathGlob, PathAdvanced, PathSuffix} {
		if v, ok := attr(se, kind); ok {
			f.Paths = append(f.Paths, PathPattern{Kind: kind, Pattern: v})
		}
	}
	if v, ok := attr(se, "mimeType"); ok && v != "" {
		f.Types = appendNew(f.Types, v)
	}
	return nil
}

func launchMode(v string) (string, bool) {
	v = strings.TrimSpace(v)
	for i, lm := range launchModes {
		if v == lm || v == strconv.Itoa(i) {
			return lm, true
		}
	}
	return "", false
}

// aaptUnescape applies the escapes aapt applies to attribute strings when
// it compiles a plain manifest (\\ \' \" \n \t \@ \? \uXXXX), so a
// pathPattern like "/a\\.b" means what it means on the phone.
func aaptUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch n := s[i]; n {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+4 < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+5], 16, 32); err == nil {
					b.WriteRune(rune(r))
					i += 4
					continue
				}
			}
			b.WriteByte('u')
		default:
			b.WriteByte(n)
		}
	}
	return b.String()
}

func appendNew(s []string, v string) []string {
	if contains(s, v) {
		return s
	}
	return append(s, v)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func containsAuthority(s []Authority, a Authority) bool {
	for _, x := range s {
		if x == a {
			return true
		}
	}
	return false
}

// XML renders the manifest as a plain AndroidManifest.xml with what this
// package reads (so a decoded .apk can be stored and read back).
func (m *Manifest) XML() string {
	var b strings.Builder
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return strings.ReplaceAll(e.String(), `"`, "&#34;")
	}
	// Values are written after aapt escaping, since they are read back as a
	// plain manifest.
	val := func(s string) string { return esc(strings.ReplaceAll(s, `\`, `\\`)) }
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	fmt.Fprintf(&b, `<manifest xmlns:android="%s" package="%s">`+"\n", androidNS, val(m.Package))
	if m.MinSDK > 0 || m.TargetSDK > 0 {
		b.WriteString("    <uses-sdk")
		if m.MinSDK > 0 {
			fmt.Fprintf(&b, ` android:minSdkVersion="%d"`, m.MinSDK)
		}
		if m.TargetSDK > 0 {
			fmt.Fprintf(&b, ` android:targetSdkVersion="%d"`, m.TargetSDK)
		}
		b.WriteString(" />\n")
	}
	b.WriteString("    <application>\n")
	for _, a := range m.Activities {
		el := "activity"
		if a.Alias {
			el = "activity-alias"
		}
		fmt.Fprintf(&b, `        <%s android:name="%s"`, el, val(a.Name))
		if a.Alias {
			fmt.Fprintf(&b, ` android:targetActivity="%s"`, val(a.Target))
		}
		if a.ExportedSet {
			fmt.Fprintf(&b, ` android:exported="%t"`, a.Exported)
		}
		if !a.Enabled {
			b.WriteString(` android:enabled="false"`)
		}
		if a.Permission != "" {
			fmt.Fprintf(&b, ` android:permission="%s"`, val(a.Permission))
		}
		if a.LaunchMode != "" && a.LaunchMode != "standard" {
			fmt.Fprintf(&b, ` android:launchMode="%s"`, a.LaunchMode)
		}
		if a.TaskAffinity != "" {
			fmt.Fprintf(&b, ` android:taskAffinity="%s"`, val(a.TaskAffinity))
		}
		b.WriteString(">\n")
		for _, f := range a.Filters {
			b.WriteString("            <intent-filter")
			if f.Priority != 0 {
				fmt.Fprintf(&b, ` android:priority="%d"`, f.Priority)
			}
			b.WriteString(">\n")
			for _, x := range f.Actions {
				fmt.Fprintf(&b, "                <action android:name=\"%s\" />\n", val(x))
			}
			for _, x := range f.Categories {
				fmt.Fprintf(&b, "                <category android:name=\"%s\" />\n", val(x))
			}
			for _, x := range f.Schemes {
				fmt.Fprintf(&b, "                <data android:scheme=\"%s\" />\n", val(x))
			}
			for _, x := range f.Authorities {
				if x.Port >= 0 {
					fmt.Fprintf(&b, "                <data android:host=\"%s\" android:port=\"%d\" />\n", val(x.Host), x.Port)
				} else {
					fmt.Fprintf(&b, "                <data android:host=\"%s\" />\n", val(x.Host))
				}
			}
			for _, x := range f.Paths {
				fmt.Fprintf(&b, "                <data android:%s=\"%s\" />\n", x.Kind, val(x.Pattern))
			}
			for _, x := range f.Types {
				fmt.Fprintf(&b, "                <data android:mimeType=\"%s\" />\n", val(x))
			}
			b.WriteString("            </intent-filter>\n")
		}
		fmt.Fprintf(&b, "        </%s>\n", el)
	}
	b.WriteString("    </application>\n</manifest>\n")
	return b.String()
}
