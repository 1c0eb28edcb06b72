package admin

import "net/http"

// WriteJSON writes v as indented JSON with status, for endpoints that other
// packages add with HandleFunc (faults).
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// WriteProblem writes an RFC 9457 problem: kind completes its type URI
// (ProblemTypePrefix + kind), field names the request field at fault.
func WriteProblem(w http.ResponseWriter, status int, kind, detail, field string) {
	writeProblem(w, status, kind, detail, field)
}

// Decode reads one JSON value into v, refusing unknown fields and
// trailing data; on failure it has answered a problem and returns false.
func Decode(w http.ResponseWriter, r *http.Request, v any) bool { return decode(w, r, v) }
