package fcm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// failure is one refused send, in the google.rpc Status shape FCM answers
// with (vendor-facts §3.4).
type failure struct {
	status     int    // HTTP status
	grpc       string // canonical status: INVALID_ARGUMENT, NOT_FOUND, ...
	fcm        string // FcmError errorCode; "" = no FcmError detail
	msg        string
	rule       string
	field      string // google.rpc.BadRequest field violation; "" = none
	retryAfter int    // seconds; 0 = no Retry-After header
	quota      *quotaViolation
}

type quotaViolation struct {
	subject, description string
}

const (
	typeFcmError     = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
	typeBadRequest   = "type.googleapis.com/google.rpc.BadRequest"
	typeQuotaFailure = "type.googleapis.com/google.rpc.QuotaFailure"
)

// code is the ledger code of a failure: the FcmError code when there is
// one, else the canonical status.
func (f *failure) code() string {
	if f.fcm != "" {
		return f.fcm
	}
	return f.grpc
}

// invalid builds a 400 INVALID_ARGUMENT with the FcmError detail.
func invalid(rule, field, msg string) *failure {
	return &failure{status: http.StatusBadRequest, grpc: "INVALID_ARGUMENT", fcm: "INVALID_ARGUMENT", msg: msg, rule: rule, field: field}
}

// badJSON builds the 400 Google's JSON front end answers for a body it
// cannot map onto the Message proto: a BadRequest detail, no FcmError.
func badJSON(rule, field, msg string) *failure {
	return &failure{status: http.StatusBadRequest, grpc: "INVALID_ARGUMENT", msg: msg, rule: rule, field: field}
}

type rpcStatus struct {
	Error rpcBody `json:"error"`
}

type rpcBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
	Details []any  `json:"details,omitempty"`
}

type fcmErrorDetail struct {
	Type      string `json:"@type"`
	ErrorCode string `json:"errorCode"`
}

type fieldViolation struct {
	Field       string `json:"field"`
	Description string `json:"description"`
}

type badRequestDetail struct {
	Type            string           `json:"@type"`
	FieldViolations []fieldViolation `json:"fieldViolations"`
}

type violation struct {
	Subject     string `json:"subject"`
	Description string `json:"description"`
}

type quotaFailureDetail struct {
	Type       string      `json:"@type"`
	Violations []violation `json:"violations"`
}

// body renders the failure as FCM's JSON.
func (f *failure) body() []byte {
	st := rpcStatus{Error: rpcBody{Code: f.status, Message: f.msg, Status: f.grpc}}
	if f.fcm != "" {
		st.Error.Details = append(st.Error.Details, fcmErrorDetail{Type: typeFcmError, ErrorCode: f.fcm})
	}
	if f.field != "" {
		st.Error.Details = append(st.Error.Details, badRequestDetail{Type: typeBadRequest,
			FieldViolations: []fieldViolation{{Field: f.field, Description: f.msg}}})
	}
	if f.quota != nil {
		st.Error.Details = append(st.Error.Details, quotaFailureDetail{Type: typeQuotaFailure,
			Violations: []violation{{Subject: f.quota.subject, Description: f.quota.description}}})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(st)
	return b.Bytes()
}

// writeRPC writes a failure with Google's headers.
func writeRPC(w http.ResponseWriter, f *failure) []byte {
	b := f.body()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("Vary", "Origin, X-Origin, Referer")
	if f.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
	}
	if f.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(f.retryAfter))
	}
	w.WriteHeader(f.status)
	_, _ = w.Write(b)
	return b
}
