package dispatcher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// maxRequest bounds a request body of the driver API.
const maxRequest = 1 << 20

// Handler serves the dispatcher's JSON API, the driver protocol of
// dispatcher/README.md:
//
//	POST /v1/login       {user, device}
//	POST /v1/logout      {user, device}
//	POST /v1/kick        {user, device}
//	POST /v1/foreground  {user, device}
//	POST /v1/background  {user, device, unread}
//	POST /v1/token       {user, device, business_id, token}
//	POST /v1/send        Message → {message_id, outcomes}
//	GET  /v1/outcomes?message_id=&user=&device= → {outcomes}
//	GET  /v1/health      → {status, certificates}
//
// Errors are application/problem+json.
func (d *Dispatcher) Handler() http.Handler {
	return http.HandlerFunc(d.serveHTTP)
}

type deviceRequest struct {
	User       string `json:"user"`
	Device     string `json:"device"`
	Unread     *int   `json:"unread,omitempty"`
	BusinessID int    `json:"business_id,omitempty"`
	Token      string `json:"token,omitempty"`
}

func (d *Dispatcher) serveHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	switch path {
	case "/v1/health":
		if !method(w, r, http.MethodGet) {
			return
		}
		type certInfo struct {
			BusinessID int    `json:"business_id"`
			Vendor     string `json:"vendor"`
			Package    string `json:"package,omitempty"`
		}
		certs := []certInfo{}
		for _, c := range d.Certificates() {
			certs = append(certs, certInfo{c.BusinessID, c.Vendor, c.Package})
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "certificates": certs})
	case "/v1/outcomes":
		if !method(w, r, http.MethodGet) {
			return
		}
		q := r.URL.Query()
		outs := d.Outcomes(OutcomeFilter{MessageID: q.Get("message_id"), User: q.Get("user"), Device: q.Get("device")})
		if outs == nil {
			outs = []Outcome{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"outcomes": outs})
	case "/v1/send":
		if !method(w, r, http.MethodPost) {
			return
		}
		var m Message
		if !decode(w, r, &m) {
			return
		}
		// The push goes on even if the caller hangs up: every device must
		// end in a real outcome, not in a cancelled one.
		id, err := d.Send(context.WithoutCancel(r.Context()), m)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"message_id": id, "outcomes": d.Outcomes(OutcomeFilter{MessageID: id})})
	case "/v1/login", "/v1/logout", "/v1/kick", "/v1/foreground", "/v1/background", "/v1/token":
		if !method(w, r, http.MethodPost) {
			return
		}
		var req deviceRequest
		if !decode(w, r, &req) {
			return
		}
		var err error
		switch path {
		case "/v1/login":
			err = d.Login(req.User, req.Device)
		case "/v1/logout":
			err = d.Logout(req.User, req.Device)
		case "/v1/kick":
			err = d.Kick(req.User, req.Device)
		case "/v1/foreground":
			err = d.Foreground(req.User, req.Device)
		case "/v1/background":
			unread := 0
			if req.Unread != nil {
				unread = *req.Unread
			}
			err = d.Background(req.User, req.Device, unread)
		case "/v1/token":
			err = d.ReportToken(req.User, req.Device, req.BusinessID, req.Token)
		}
		if err != nil {
			writeError(w, err)
			return
		}
		dv, _ := d.Device(req.User, req.Device)
		writeJSON(w, http.StatusOK, dv)
	default:
		writeProblem(w, http.StatusNotFound, "not-found", "no such endpoint: "+r.Method+" "+r.URL.Path)
	}
}

func method(w http.ResponseWriter, r *http.Request, want string) bool {
	if r.Method == want || (want == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", want)
	writeProblem(w, http.StatusMethodNotAllowed, "method-not-allowed", r.Method+" "+r.URL.Path+": use "+want)
	return false
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body := http.MaxBytesReader(w, r.Body, maxRequest)
	dec := json.NewDecoder(body)
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(w, http.StatusRequestEntityTooLarge, "too-large", fmt.Sprintf("the body is larger than %d bytes", maxRequest))
			return false
		}
		writeProblem(w, http.StatusBadRequest, "bad-json", err.Error())
		return false
	}
	if dec.More() {
		writeProblem(w, http.StatusBadRequest, "bad-json", "more than one JSON value in the body")
		return false
	}
	return true
}

// writeError maps an error onto its HTTP status and problem type.
func writeError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrInvalid):
		writeProblem(w, http.StatusBadRequest, "invalid-request", err.Error())
	case errors.Is(err, ErrUnknownCertificate):
		writeProblem(w, http.StatusBadRequest, "unknown-certificate", err.Error())
	case errors.Is(err, ErrUnknownDevice):
		writeProblem(w, http.StatusNotFound, "unknown-device", err.Error())
	case errors.Is(err, ErrNotLoggedIn):
		writeProblem(w, http.StatusConflict, "not-logged-in", err.Error())
	case errors.Is(err, ErrDuplicateMessage):
		writeProblem(w, http.StatusConflict, "duplicate-message", err.Error())
	default:
		writeProblem(w, http.StatusInternalServerError, "internal", err.Error())
	}
}

// ProblemTypePrefix starts every problem's type URI (as on the emulators'
// control plane); the rest names the problem.
const ProblemTypePrefix = "urn:pushsim:problem:"

// Problem is an RFC 9457 problem document, the body of every API error.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

func writeProblem(w http.ResponseWriter, status int, kind, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{Type: ProblemTypePrefix + kind, Title: http.StatusText(status), Status: status, Detail: detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
