package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteJSON writes the run as a JSON document (schema pushsim.report/v1):
// the run's fields one a line, then each result and each rule on a line of
// its own, so a line diff of two reports shows which scenarios changed and
// a large run is written without re-indenting megabytes of traces. Nil
// slices are written as empty arrays, so a reader never has to tell null
// from [].
func WriteJSON(w io.Writer, run *Run) error {
	out := *run
	if out.Schema == "" {
		out.Schema = Schema
	}
	out.Summarize()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	field := func(name string, v any, last bool) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		sep := ",\n"
		if last {
			sep = "\n"
		}
		_, err := fmt.Fprintf(w, "  %q: %s%s", name, bytes.TrimRight(buf.Bytes(), "\n"), sep)
		return err
	}
	list := func(name string, n int, item func(i int) any, last bool) error {
		if _, err := fmt.Fprintf(w, "  %q: [", name); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			buf.Reset()
			if err := enc.Encode(item(i)); err != nil {
				return err
			}
			sep := ","
			if i == n-1 {
				sep = ""
			}
			if _, err := fmt.Fprintf(w, "\n    %s%s", bytes.TrimRight(buf.Bytes(), "\n"), sep); err != nil {
				return err
			}
		}
		end := "\n  ]"
		if n == 0 {
			end = "]"
		}
		if !last {
			end += ","
		}
		_, err := io.WriteString(w, end+"\n")
		return err
	}
	err := func() error {
		if _, err := io.WriteString(w, "{\n"); err != nil {
			return err
		}
		for _, f := range []struct {
			name string
			v    any
		}{{"schema", out.Schema}, {"tool", out.Tool}, {"started", out.Started}, {"duration_ms", out.Duration},
			{"target", out.Target}, {"summary", out.Summary}} {
			if err := field(f.name, f.v, false); err != nil {
				return err
			}
		}
		if err := list("results", len(out.Results), func(i int) any {
			r := out.Results[i]
			if r.Rules == nil {
				r.Rules = []string{}
			}
			return r
		}, len(out.Rules) == 0); err != nil {
			return err
		}
		if len(out.Rules) > 0 {
			if err := list("rules", len(out.Rules), func(i int) any { return out.Rules[i] }, true); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "}\n")
		return err
	}()
	if err != nil {
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
