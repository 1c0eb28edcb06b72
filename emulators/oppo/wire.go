package oppo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// jsonContentType is shared, never modified: setting the header map entry
// directly saves an allocation per answer.
var jsonContentType = []string{"application/json;charset=UTF-8"}

func writeJSON(rw http.ResponseWriter, status int, body []byte) {
	rw.Header()["Content-Type"] = jsonContentType
	rw.WriteHeader(status)
	_, _ = rw.Write(body)
}

// errorBody is OPPO's envelope for a failed call: {"code":N,"message":"..."}.
func errorBody(code int, msg string) []byte {
	if msg == "" {
		msg = Text(code)
	}
	b := make([]byte, 0, 64+len(msg))
	b = append(b, `{"code":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, msg)
	return append(b, '}')
}

func authSuccess(token string, now time.Time) []byte {
	b := make([]byte, 0, 128)
	b = append(b, `{"code":0,"message":"Success","data":{"auth_token":`...)
	b = appendJSONString(b, token)
	b = append(b, `,"create_time":`...)
	b = strconv.AppendInt(b, now.UnixMilli(), 10)
	return append(b, "}}"...)
}

// unicastSuccess follows the doc's example: an empty message and data.messageId.
func unicastSuccess(messageID string) []byte {
	b := make([]byte, 0, 96)
	b = append(b, `{"code":0,"message":"","data":{"messageId":`...)
	b = appendJSONString(b, messageID)
	return append(b, "}}"...)
}

type batchResult struct {
	MessageID      string `json:"messageId,omitempty"`
	RegistrationID string `json:"registrationId"`
	ErrorCode      int    `json:"errorCode,omitempty"`
	ErrorMessage   string `json:"errorMessage,omitempty"`
}

func batchSuccess(results []batchResult) []byte {
	data, _ := json.Marshal(results) // plain strings and ints: cannot fail
	b := make([]byte, 0, 32+len(data))
	b = append(b, `{"code":0,"message":"","data":`...)
	b = append(b, data...)
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func unmarshal(raw string, v any) error { return json.Unmarshal([]byte(raw), v) }

// secretFields are masked in the ledger: the token and the signature (which
// is derived from the master secret).
var secretFields = []string{"auth_token", "sign", "master_secret"}

// bodyCap bounds what the ledger keeps of a request or response body.
const bodyCap = 64 << 10

// maskedBody renders a form for the ledger as k=v pairs (values unescaped so
// JSON stays readable) with secrets masked, capped at bodyCap.
func maskedBody(form map[string][]string) string {
	if len(form) == 0 {
		return ""
	}
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var sb strings.Builder
	for _, k := range keys {
		for _, v := range form[k] {
			if sb.Len() > 0 {
				sb.WriteByte('&')
			}
			sb.WriteString(k)
			sb.WriteByte('=')
			if slices.Contains(secretFields, k) {
				v = mask(v)
			}
			sb.WriteString(v)
			if sb.Len() > bodyCap {
				return capText(sb.String())
			}
		}
	}
	return sb.String()
}

// mask keeps the first four characters of a secret.
func mask(v string) string {
	if len(v) <= 4 {
		return "***"
	}
	return v[:4] + "***"
}

func capText(s string) string {
	if len(s) <= bodyCap {
		return s
	}
	return s[:bodyCap] + "…(truncated)"
}
