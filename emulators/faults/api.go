package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/admin"
)

// Routes adds the fault rules to the control plane and clears them when
// the world is reset:
//
//	POST   /_pushsim/faults        a rule, or a list of rules → 201 with them as stored
//	GET    /_pushsim/faults        the rules in the order they are tried, with their counts
//	GET    /_pushsim/faults/{id}
//	DELETE /_pushsim/faults        every rule
//	DELETE /_pushsim/faults/{id}
func Routes(api *admin.API, set *Set) {
	api.HandleFunc(http.MethodPost, "/faults", func(w http.ResponseWriter, r *http.Request) {
		var raw json.RawMessage
		if !admin.Decode(w, r, &raw) {
			return
		}
		list := bytes.HasPrefix(bytes.TrimSpace(raw), []byte("["))
		var rules []Rule
		var err error
		if list {
			err = strictJSON(raw, &rules)
		} else {
			var one Rule
			err = strictJSON(raw, &one)
			rules = []Rule{one}
		}
		if err != nil {
			admin.WriteProblem(w, http.StatusBadRequest, "bad-request", "a fault rule is {vendor, app, path, token, share, times, after, action, code, status, retry_after, latency}: "+err.Error(), "")
			return
		}
		if len(rules) == 0 {
			admin.WriteProblem(w, http.StatusBadRequest, "bad-request", "no rules given", "")
			return
		}
		stored, err := set.Add(rules...)
		if err != nil {
			admin.WriteProblem(w, http.StatusBadRequest, "bad-fault", err.Error(), "")
			return
		}
		if list {
			admin.WriteJSON(w, http.StatusCreated, stored)
			return
		}
		w.Header().Set("Location", admin.Prefix+"/faults/"+stored[0].ID)
		admin.WriteJSON(w, http.StatusCreated, stored[0])
	})
	api.HandleFunc(http.MethodGet, "/faults", func(w http.ResponseWriter, r *http.Request) {
		admin.WriteJSON(w, http.StatusOK, set.Rules())
	})
	api.HandleFunc(http.MethodGet, "/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		rule, ok := set.Rule(id)
		if !ok {
			admin.WriteProblem(w, http.StatusNotFound, "not-found", "no fault rule "+id, "")
			return
		}
		admin.WriteJSON(w, http.StatusOK, rule)
	})
	api.HandleFunc(http.MethodDelete, "/faults", func(w http.ResponseWriter, r *http.Request) {
		set.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	api.HandleFunc(http.MethodDelete, "/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := mux.Vars(r)["id"]
		if !set.Remove(id) {
			admin.WriteProblem(w, http.StatusNotFound, "not-found", "no fault rule "+id, "")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	api.OnReset(set.Clear)
}

func strictJSON(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return errors.New("field " + typ.Field + ": want " + typ.Type.String() + ", got JSON " + typ.Value)
		}
		return err
	}
	return nil
}
