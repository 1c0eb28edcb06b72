package meizu

import (
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Answers are built by hand with append: the push path is the benchmark's
// hot path. Meizu always answers HTTP 200 with
// {"code","message","value","redirect"[,"msgId"]} (vendor-facts §2.4).

// targetCode is one target that failed, under its per-target code.
type targetCode struct {
	code   string
	target string
}

// appendSuccess writes a push answer: code "200", msgId, and `value` mapping
// each per-target code to the targets that got it (an empty object when every
// target was sent), codes in ascending order, targets in request order.
func appendSuccess(b []byte, msgID string, failed []targetCode) []byte {
	b = append(b, `{"code":"200","message":"","value":{`...)
	if len(failed) > 0 {
		codes := make([]string, 0, 4)
		for _, f := range failed {
			if !slices.Contains(codes, f.code) {
				codes = append(codes, f.code)
			}
		}
		slices.SortFunc(codes, func(a, b string) int {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return x - y
		})
		for i, c := range codes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, c)
			b = append(b, ":["...)
			n := 0
			for _, f := range failed {
				if f.code != c {
					continue
				}
				if n > 0 {
					b = append(b, ',')
				}
				b = appendString(b, f.target)
				n++
			}
			b = append(b, ']')
		}
	}
	b = append(b, `},"redirect":"","msgId":`...)
	b = appendString(b, msgID)
	return append(b, '}')
}

// appendError writes a request-level error: {"code":"1006","message":"签名认证失败",
// "value":"","redirect":""}, as the README's examples show.
func appendError(b []byte, code string) []byte { return appendErrorText(b, code, Text(code)) }

// appendErrorText is appendError with another message.
func appendErrorText(b []byte, code, message string) []byte {
	b = append(b, `{"code":`...)
	b = appendString(b, code)
	b = append(b, `,"message":`...)
	b = appendString(b, message)
	return append(b, `,"value":"","redirect":""}`...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

var contentType = []string{"application/json;charset=UTF-8"}

// writeJSON sends an answer.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Type"] = contentType
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away: nothing to do
}
