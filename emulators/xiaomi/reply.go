package xiaomi

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// Answers are built by hand with append: the send path is the benchmark's hot
// path and encoding/json would cost more than the rest of the request.

// success is what a send answer carries when code is 0.
type success struct {
	id        string
	badRegIDs []string
	dayAcked  int
	dayQuota  int // -1 = unlimited (private class)
	info      string
	targets   int
	// multi-message sends (multi.go): no day_acked/day_quota (the messages
	// may be of several classes), the over-quota count per channel instead.
	multi         bool
	channelExceed string
}

// appendSuccess writes Xiaomi's success JSON (vendor-facts §1.4, addendum
// §2.3): {"result":"ok","trace_id":…,"code":0,"data":{"id":…,
// ["bad_regids":…,]"day_acked":"…","day_quota":"…"},"description":"成功",
// "info":"Received push messages for N REGID"}.
func appendSuccess(b []byte, traceID string, s *success) []byte {
	b = append(b, `{"result":"ok","trace_id":`...)
	b = appendString(b, traceID)
	b = append(b, `,"code":0,"data":{"id":`...)
	b = appendString(b, s.id)
	if len(s.badRegIDs) > 0 {
		b = append(b, `,"bad_regids":"`...)
		for i, t := range s.badRegIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStringBody(b, t)
		}
		b = append(b, '"')
	}
	if s.multi {
		if s.channelExceed != "" {
			b = append(b, `,"channel_exceed_quota":`...)
			b = appendString(b, s.channelExceed)
		}
		b = append(b, '}')
	} else {
		b = append(b, `,"day_acked":"`...)
		b = strconv.AppendInt(b, int64(s.dayAcked), 10)
		b = append(b, `","day_quota":"`...)
		b = strconv.AppendInt(b, int64(s.dayQuota), 10)
		b = append(b, `"}`...)
	}
	b = append(b, `,"description":"`+descSuccess+`","info":"Received push messages for `...)
	b = strconv.AppendInt(b, int64(s.targets), 10)
	b = append(b, ' ')
	b = append(b, s.info...)
	b = append(b, `"}`...)
	return b
}

// appendOK writes the success answer of a call that sends nothing
// (subscription, revoke): {"result":"ok","trace_id":…,"code":0,
// ["data":{"k":"v",…},]"description":"成功"}. The data values are strings, as
// the Java SDK's Result.getData reads them. Inferred: the facts quote no
// answer of these APIs.
func appendOK(b []byte, traceID string, data ...string) []byte {
	b = append(b, `{"result":"ok","trace_id":`...)
	b = appendString(b, traceID)
	b = append(b, `,"code":0`...)
	if len(data) > 0 {
		b = append(b, `,"data":{`...)
		for i := 0; i+1 < len(data); i += 2 {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, data[i])
			b = append(b, ':')
			b = appendString(b, data[i+1])
		}
		b = append(b, '}')
	}
	return append(b, `,"description":"`+descSuccess+`"}`...)
}

// appendError writes Xiaomi's error JSON: {"result":"error","code":N,
// "description":"…","reason":"…","trace_id":"…"}.
func appendError(b []byte, code int, reason, traceID string) []byte {
	b = append(b, `{"result":"error","code":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, `,"description":`...)
	b = appendString(b, codeText(code))
	b = append(b, `,"reason":`...)
	b = appendString(b, reason)
	b = append(b, `,"trace_id":`...)
	b = appendString(b, traceID)
	b = append(b, '}')
	return b
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendStringBody(b, s)
	return append(b, '"')
}

func appendStringBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
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
	return append(b, s[start:]...)
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 64<<10 {
		return // do not keep what one huge request grew
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// writeJSON sends an answer. Xiaomi answers business errors with HTTP 200.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = contentType
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away; nothing to do
}

var contentType = []string{"application/json;charset=UTF-8"}

// Ids look like Xiaomi's: trace ids "Xlm51b08471461727617kl", message ids
// "slm51b08471461727618yf" (regid) / "alm…" (alias): one letter, two lower
// case letters, "51b", 14 digits, two letters; 22 characters.
const idLen = 22

const lower = "abcdefghijklmnopqrstuvwxyz"

// newIDs draws a trace id and a message id with one allocation.
func (e *Emulator) newIDs(kind byte) (traceID, msgID string) {
	var b [2 * idLen]byte
	e.w.Rand(func(r *rand.Rand) {
		fillID(b[:idLen], 'X', r)
		fillID(b[idLen:], kind, r)
	})
	s := string(b[:])
	return s[:idLen], s[idLen:]
}

func fillID(b []byte, first byte, r *rand.Rand) {
	b[0] = first
	b[1] = lower[r.IntN(len(lower))]
	b[2] = 'm'
	b[3], b[4], b[5] = '5', '1', 'b'
	for i := 6; i < idLen-2; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	b[idLen-2] = world.Alnum[10+r.IntN(52)]
	b[idLen-1] = world.Alnum[10+r.IntN(52)]
}
