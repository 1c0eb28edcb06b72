package vivo

import (
	"net/http"
	"strconv"
	"unicode/utf8"
)

// invalid is one entry of invalidUser / invalidUsers.
type invalid struct {
	status int
	userid string
}

// reply is vivo's answer envelope (facts §3.4): result and desc always,
// the rest only when set.
type reply struct {
	result       int
	desc         string // "" = the code's desc
	authToken    string
	taskID       string
	invalidUser  *invalid
	invalidUsers []invalid
}

// appendJSON writes the reply the way vivo does: result, desc, then the
// optional fields. mask hides the authToken (for the ledger).
func (r *reply) appendJSON(b []byte, mask bool) []byte {
	d := r.desc
	if d == "" {
		d = desc(r.result)
	}
	b = append(b, `{"result":`...)
	b = strconv.AppendInt(b, int64(r.result), 10)
	b = append(b, `,"desc":`...)
	b = appendString(b, d)
	if r.authToken != "" {
		b = append(b, `,"authToken":`...)
		if mask {
			b = appendString(b, maskSecret(r.authToken))
		} else {
			b = appendString(b, r.authToken)
		}
	}
	if r.taskID != "" {
		b = append(b, `,"taskId":`...)
		b = appendString(b, r.taskID)
	}
	if r.invalidUser != nil {
		b = append(b, `,"invalidUser":`...)
		b = appendInvalid(b, *r.invalidUser)
	}
	if r.invalidUsers != nil {
		b = append(b, `,"invalidUsers":[`...)
		for i, u := range r.invalidUsers {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInvalid(b, u)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendInvalid(b []byte, u invalid) []byte {
	b = append(b, `{"status":`...)
	b = strconv.AppendInt(b, int64(u.status), 10)
	b = append(b, `,"userid":`...)
	b = appendString(b, u.userid)
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string.
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
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// maskSecret keeps the first 4 characters of a secret for the ledger.
func maskSecret(s string) string {
	if len(s) <= 4 {
		return "***"
	}
	return s[:4] + "***"
}

// write sends a JSON answer with HTTP 200, as vivo answers every business
// result (facts §3.4).
func write(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h["Content-Type"] = contentType
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

var contentType = []string{"application/json;charset=UTF-8"}
