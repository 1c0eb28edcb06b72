package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the run as an indented JSON document (schema
// pushsim.report/v1). Nil slices are written as empty arrays, so a reader
// never has to tell null from [].
func WriteJSON(w io.Writer, run *Run) error {
	out := *run
	if out.Schema == "" {
		out.Schema = Schema
	}
	out.Summarize()
	out.Results = make([]Result, len(run.Results))
	for i, r := range run.Results {
		if r.Rules == nil {
			r.Rules = []string{}
		}
		out.Results[i] = r
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&out); err != nil {
		return fmt.Errorf("write report json: %w", err)
	}
	return nil
}

// ErrSchema is returned by ReadJSON for a document of another schema.
var ErrSchema = fmt.Errorf("not a %s document", Schema)

// ReadJSON reads a report written by WriteJSON. A document of another
// schema or a later version is an error wrapping ErrSchema.
func ReadJSON(r io.Reader) (*Run, error) {
	var run Run
	dec := json.NewDecoder(r)
	if err := dec.Decode(&run); err != nil {
		return nil, fmt.Errorf("read report json: %w", err)
	}
	if run.Schema != Schema {
		if strings.HasPrefix(run.Schema, "pushsim.report/") {
			return nil, fmt.Errorf("report schema %q, this pushsim reads %q: %w", run.Schema, Schema, ErrSchema)
		}
		return nil, fmt.Errorf("report schema %q: %w", run.Schema, ErrSchema)
	}
	run.Summarize()
	return &run, nil
}
