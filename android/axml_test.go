package android_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"unicode/utf16"
)

// axml writes Android binary XML (what aapt2 compiles AndroidManifest.xml
// into), so the tests can build .apk files whose manifests use typed
// values (booleans, launchMode as a number) the way real apps do.
type axml struct {
	strings []string
	index   map[string]uint32
	body    bytes.Buffer
}

// axmlAttr is one attribute: a string (Str), or a typed int / bool.
type axmlAttr struct {
	Android bool // in the android: namespace
	Name    string
	Str     *string
	Int     *uint32
	Bool    *bool
}

func str(name, v string) axmlAttr        { return axmlAttr{Android: true, Name: name, Str: &v} }
func num(name string, v uint32) axmlAttr { return axmlAttr{Android: true, Name: name, Int: &v} }
func flag(name string, v bool) axmlAttr  { return axmlAttr{Android: true, Name: name, Bool: &v} }

const nsURI = "http://schemas.android.com/apk/res/android"

func newAXML() *axml { return &axml{index: map[string]uint32{}} }

func (x *axml) ref(s string) uint32 {
	if i, ok := x.index[s]; ok {
		return i
	}
	x.index[s] = uint32(len(x.strings))
	x.strings = append(x.strings, s)
	return x.index[s]
}

func (x *axml) chunk(typ uint16, headerSize uint16, fields ...any) {
	var b bytes.Buffer
	for _, f := range fields {
		_ = binary.Write(&b, binary.LittleEndian, f)
	}
	_ = binary.Write(&x.body, binary.LittleEndian, typ)
	_ = binary.Write(&x.body, binary.LittleEndian, headerSize)
	_ = binary.Write(&x.body, binary.LittleEndian, uint32(8+b.Len()))
	x.body.Write(b.Bytes())
}

func (x *axml) startNS() {
	x.chunk(0x0100, 16, uint32(1), uint32(0xFFFFFFFF), x.ref("android"), x.ref(nsURI))
}

func (x *axml) endNS() {
	x.chunk(0x0101, 16, uint32(1), uint32(0xFFFFFFFF), x.ref("android"), x.ref(nsURI))
}

func (x *axml) start(name string, attrs ...axmlAttr) {
	fields := []any{uint32(1), uint32(0xFFFFFFFF), uint32(0xFFFFFFFF), x.ref(name),
		uint16(20), uint16(20), uint16(len(attrs)), uint16(0), uint16(0), uint16(0)}
	for _, a := range attrs {
		ns := uint32(0xFFFFFFFF)
		if a.Android {
			ns = x.ref(nsURI)
		}
		raw, typ, data := uint32(0xFFFFFFFF), uint8(0), uint32(0)
		switch {
		case a.Str != nil:
			raw = x.ref(*a.Str)
			typ, data = 0x03, raw
		case a.Int != nil:
			typ, data = 0x10, *a.Int
		case a.Bool != nil:
			typ = 0x12
			if *a.Bool {
				data = 0xFFFFFFFF
			}
		}
		fields = append(fields, ns, x.ref(a.Name), raw, uint16(8), uint8(0), typ, data)
	}
	x.chunk(0x0102, 16, fields...)
}

func (x *axml) end(name string) {
	x.chunk(0x0103, 16, uint32(1), uint32(0xFFFFFFFF), uint32(0xFFFFFFFF), x.ref(name))
}

// bytes is the whole file: header, UTF-16 string pool, then the tree.
func (x *axml) bytes() []byte {
	var pool bytes.Buffer
	var data bytes.Buffer
	offsets := make([]uint32, len(x.strings))
	for i, s := range x.strings {
		offsets[i] = uint32(data.Len())
		u := utf16.Encode([]rune(s))
		_ = binary.Write(&data, binary.LittleEndian, uint16(len(u)))
		_ = binary.Write(&data, binary.LittleEndian, u)
		_ = binary.Write(&data, binary.LittleEndian, uint16(0))
	}
	for data.Len()%4 != 0 {
		data.WriteByte(0)
	}
	header := 28
	stringsStart := uint32(header + 4*len(x.strings))
	_ = binary.Write(&pool, binary.LittleEndian, uint16(0x0001))
	_ = binary.Write(&pool, binary.LittleEndian, uint16(header))
	_ = binary.Write(&pool, binary.LittleEndian, stringsStart+uint32(data.Len()))
	_ = binary.Write(&pool, binary.LittleEndian, []uint32{uint32(len(x.strings)), 0, 0, stringsStart, 0})
	_ = binary.Write(&pool, binary.LittleEndian, offsets)
	pool.Write(data.Bytes())

	var out bytes.Buffer
	_ = binary.Write(&out, binary.LittleEndian, uint16(0x0003))
	_ = binary.Write(&out, binary.LittleEndian, uint16(8))
	_ = binary.Write(&out, binary.LittleEndian, uint32(8+pool.Len()+x.body.Len()))
	out.Write(pool.Bytes())
	out.Write(x.body.Bytes())
	return out.Bytes()
}

// apk zips a binary manifest (and a dex placeholder) into an .apk.
func apk(manifest []byte) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("AndroidManifest.xml")
	_, _ = w.Write(manifest)
	w, _ = z.Create("classes.dex")
	_, _ = w.Write([]byte("dex\n035\x00"))
	_ = z.Close()
	return b.Bytes()
}

// chatAppBinary is the binary manifest of a chat app: a launcher
// (singleTask, exported), a deep-link chat page, a private settings page,
// an alias, targetSdk 33.
func chatAppBinary() []byte {
	x := newAXML()
	// androidbinary reads string 0 as "no namespace prefix": keep the
	// prefix elsewhere.
	x.ref("manifest")
	x.ref("android")
	x.ref(nsURI)
	x.startNS()
	x.start("manifest", axmlAttr{Name: "package", Str: ptr("com.example.chat")})
	x.start("uses-sdk", num("minSdkVersion", 21), num("targetSdkVersion", 33))
	x.end("uses-sdk")
	x.start("application")
	x.start("activity", str("name", "com.example.chat.MainActivity"), flag("exported", true), num("launchMode", 2))
	x.start("intent-filter")
	x.start("action", str("name", "android.intent.action.MAIN"))
	x.end("action")
	x.start("category", str("name", "android.intent.category.LAUNCHER"))
	x.end("category")
	x.end("intent-filter")
	x.end("activity")
	x.start("activity", str("name", "com.example.chat.ChatActivity"), flag("exported", true), num("launchMode", 1))
	x.start("intent-filter")
	x.start("action", str("name", "android.intent.action.VIEW"))
	x.end("action")
	x.start("category", str("name", "android.intent.category.DEFAULT"))
	x.end("category")
	x.start("data", str("scheme", "chat"), str("host", "open"), str("pathPrefix", "/c/"))
	x.end("data")
	x.end("intent-filter")
	x.end("activity")
	x.start("activity", str("name", "com.example.chat.SettingsActivity"), flag("exported", false))
	x.end("activity")
	x.start("activity-alias", str("name", "com.example.chat.Open"), str("targetActivity", "com.example.chat.ChatActivity"), flag("exported", true))
	x.end("activity-alias")
	x.end("application")
	x.end("manifest")
	x.endNS()
	return x.bytes()
}

func ptr[T any](v T) *T { return &v }
