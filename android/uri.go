package android

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Uri is a URI as android.net.Uri.parse reads it: leniently, without
// validation (StringUri). Parts absent from the string are "" with their
// Has* flag false; Host and Path are decoded as getHost() and getPath()
// return them, which is what intent filters are matched against.
type Uri struct {
	Raw       string `json:"raw"`
	Scheme    string `json:"scheme,omitempty"`
	HasScheme bool   `json:"-"`
	// Authority is the encoded authority ("user@host:port").
	Authority    string `json:"authority,omitempty"`
	HasAuthority bool   `json:"-"`
	Host         string `json:"host,omitempty"`
	HasHost      bool   `json:"-"`
	Port         int    `json:"port,omitempty"` // -1 when absent or not a number
	Path         string `json:"path,omitempty"`
	HasPath      bool   `json:"-"`
	Query        string `json:"query,omitempty"` // encoded
	// SSP is the decoded scheme-specific part (what follows "scheme:" up to '#').
	SSP string `json:"-"`
}

// ParseUri reads s as android.net.Uri.parse does. It never fails: like
// Android, anything is a URI; odd ones just have fewer parts.
func ParseUri(s string) Uri {
	u := Uri{Raw: s, Port: -1}
	ssi := strings.IndexByte(s, ':') // StringUri.findSchemeSeparator: the first ':'
	if ssi >= 0 {
		u.Scheme, u.HasScheme = s[:ssi], true
	}
	fsi := strings.IndexByte(s[max(ssi, 0):], '#') // findFragmentSeparator searches from ssi
	if fsi >= 0 {
		fsi += max(ssi, 0)
	}
	end := len(s)
	if fsi >= 0 {
		end = fsi
	}
	u.SSP = Decode(s[ssi+1 : end])

	// Authority: after "//" up to the first '/', '\', '?' or '#'.
	if len(s) > ssi+2 && s[ssi+1] == '/' && s[ssi+2] == '/' {
		i := ssi + 3
		for i < len(s) && !strings.ContainsRune("/\\?#", rune(s[i])) {
			i++
		}
		u.Authority, u.HasAuthority = s[ssi+3:i], true
		auth := u.Authority
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			auth = auth[at+1:]
		}
		if ps := portSeparator(auth); ps >= 0 {
			if p, err := strconv.Atoi(auth[ps+1:]); err == nil && p >= 0 && auth[ps+1] != '+' {
				u.Port = p
			}
			auth = auth[:ps]
		}
		u.Host, u.HasHost = Decode(auth), true
	}

	// Path: an opaque URI ("mailto:x", "scheme:") has none.
	if ssi < 0 || (ssi+1 < len(s) && s[ssi+1] == '/') {
		start := ssi + 1
		emptyPath := false
		if len(s) > ssi+2 && s[ssi+1] == '/' && s[ssi+2] == '/' {
			start = ssi + 3
		loop:
			for start < len(s) {
				switch s[start] {
				case '?', '#':
					emptyPath = true
					break loop
				case '/', '\\':
					break loop
				}
				start++
			}
		}
		if emptyPath {
			u.HasPath = true
		} else {
			stop := start
			for stop < len(s) && s[stop] != '?' && s[stop] != '#' {
				stop++
			}
			u.Path, u.HasPath = Decode(s[start:stop]), true
		}
	}

	// Query: after the first '?' following the scheme, up to '#'.
	if q := strings.IndexByte(s[max(ssi, 0):end], '?'); q >= 0 {
		u.Query = s[max(ssi, 0)+q+1 : end]
	}
	return u
}

// portSeparator is Uri.Part's findPortSeparator: the last ':' followed
// only by digits, or -1.
func portSeparator(auth string) int {
	for i := len(auth) - 1; i >= 0; i-- {
		c := auth[i]
		if c == ':' {
			return i
		}
		if c < '0' || c > '9' {
			return -1
		}
	}
	return -1
}

// Decode is android.net.Uri.decode: %XX sequences are UTF-8 bytes; '+'
// stays '+'; a broken escape or invalid UTF-8 becomes U+FFFD instead of an
// error.
func Decode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	var pending []byte
	flush := func() {
		for len(pending) > 0 {
			r, n := utf8.DecodeRune(pending)
			if r == utf8.RuneError && n == 1 {
				n = badPrefix(pending) // one U+FFFD per broken sequence, as Java's decoder does
			}
			b.WriteRune(r)
			pending = pending[n:]
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			flush()
			b.WriteByte(c)
			i++
			continue
		}
		if i+2 >= len(s) {
			// "%" or "%X" at the end: unexpected end of input.
			flush()
			b.WriteRune(utf8.RuneError)
			return b.String()
		}
		hi, lo := unhex(s[i+1]), unhex(s[i+2])
		if hi < 0 || lo < 0 {
			flush()
			b.WriteRune(utf8.RuneError)
			i += 3
			continue
		}
		pending = append(pending, byte(hi<<4|lo))
		i += 3
	}
	flush()
	return b.String()
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// badPrefix is how many bytes of an invalid UTF-8 sequence one replacement
// character stands for: the lead byte and the continuation bytes that
// still fit it (the "maximal subpart").
func badPrefix(p []byte) int {
	want := 1
	switch c := p[0]; {
	case c >= 0xC2 && c <= 0xDF:
		want = 2
	case c >= 0xE0 && c <= 0xEF:
		want = 3
	case c >= 0xF0 && c <= 0xF4:
		want = 4
	}
	n := 1
	for n < want && n < len(p) && p[n] >= 0x80 && p[n] <= 0xBF {
		n++
	}
	return n
}
