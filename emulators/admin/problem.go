package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ProblemTypePrefix starts every problem's type URI; the rest names the
// problem ("not-found", "bad-json", "clock-not-virtual", ...).
const ProblemTypePrefix = "urn:pushsim:problem:"

// Problem is an RFC 9457 problem document, the body of every control-plane
// error (Content-Type application/problem+json).
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Field names the request field or query parameter at fault, if any.
	Field string `json:"field,omitempty"`
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

func writeProblem(w http.ResponseWriter, status int, kind, detail, field string) {
	p := Problem{Type: ProblemTypePrefix + kind, Title: http.StatusText(status), Status: status, Detail: detail, Field: field}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(p) // the client went away; nothing to do
}

func badRequest(w http.ResponseWriter, field, format string, args ...any) {
	writeProblem(w, http.StatusBadRequest, "bad-request", fmt.Sprintf(format, args...), field)
}

func notFound(w http.ResponseWriter, format string, args ...any) {
	writeProblem(w, http.StatusNotFound, "not-found", fmt.Sprintf(format, args...), "")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ") // people read these with curl
	_ = enc.Encode(v)       // the client went away; nothing to do
}

// decode reads one JSON object into v, refusing unknown fields and trailing
// data, and answers a problem naming the field when the body is wrong.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.Body == nil {
		badRequest(w, "", "empty body: want a JSON object")
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON object")
	}
	if err == nil {
		return true
	}
	var (
		syntax    *json.SyntaxError
		typ       *json.UnmarshalTypeError
		tooLarge  *http.MaxBytesError
		unknownFx = "json: unknown field "
	)
	switch {
	case errors.As(err, &tooLarge):
		writeProblem(w, http.StatusRequestEntityTooLarge, "body-too-large", fmt.Sprintf("the body is larger than %d bytes", tooLarge.Limit), "")
	case errors.Is(err, io.EOF):
		badRequest(w, "", "empty body: want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		badRequest(w, "", "truncated JSON body")
	case errors.As(err, &syntax):
		badRequest(w, "", "malformed JSON at byte %d: %v", syntax.Offset, err)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			badRequest(w, "", "want a JSON object, got JSON %s", typ.Value)
			return false
		}
		badRequest(w, field, "field %q: want %s, got JSON %s", field, jsonKind(typ.Type.String()), typ.Value)
	case strings.HasPrefix(err.Error(), unknownFx):
		field := strings.Trim(strings.TrimPrefix(err.Error(), unknownFx), `"`)
		badRequest(w, field, "unknown field %q", field)
	default:
		badRequest(w, "", "bad JSON body: %v", err)
	}
	return false
}

// jsonKind says a Go type the way a JSON user thinks of it.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "map["), strings.Contains(goType, "."):
		return "an object"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	}
	return goType
}

// opt is a PATCH field: Set tells "absent" from a given value (null included,
// which sets the zero value).
type opt[T any] struct {
	Set bool
	V   T
}

func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		var zero T
		o.V = zero
		return nil
	}
	return json.Unmarshal(b, &o.V)
}
