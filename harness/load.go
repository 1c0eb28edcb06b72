package harness

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

// LoadError is a malformed scenario file: where and what is wrong.
type LoadError struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *LoadError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadErrors is every malformed file of a suite.
type LoadErrors []*LoadError

func (e LoadErrors) Error() string {
	msgs := make([]string, len(e))
	for i, x := range e {
		msgs[i] = x.Error()
	}
	return strings.Join(msgs, "\n")
}

// Parse reads one scenario file. file names it in errors and in reports.
func Parse(file string, data []byte) (*Scenario, error) {
	var s Scenario
	if err := yaml.UnmarshalContext(context.Background(), data, &s, yaml.Strict()); err != nil {
		return nil, toLoadError(file, err)
	}
	s.File, s.Source = file, string(data)
	if err := validate(&s); err != nil {
		return nil, toLoadError(file, err)
	}
	return &s, nil
}

// UnmarshalYAML reads a scenario and remembers the line of its id.
func (s *Scenario) UnmarshalYAML(node ast.Node) error {
	kvs, ok := mapping(node)
	if !ok {
		return errAt(node, "a scenario is a mapping with id, title, rules, given, steps and expect")
	}
	type plain Scenario
	if err := strict(node, (*plain)(s)); err != nil {
		return err
	}
	s.Line = lineOf(node)
	for _, kv := range kvs {
		if keyName(kv) == "id" {
			s.Line = lineOf(kv)
		}
	}
	return nil
}

func toLoadError(file string, err error) *LoadError {
	var pe *posError
	if errors.As(err, &pe) {
		return &LoadError{File: file, Line: pe.Line, Column: pe.Column, Msg: pe.Msg}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && te.Token != nil && te.Token.Position != nil {
		return &LoadError{File: file, Line: te.Token.Position.Line, Column: te.Token.Position.Column,
			Msg: fmt.Sprintf("%q is not %s", te.Token.Value, kindName(te.DstType))}
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		le := &LoadError{File: file, Msg: ye.GetMessage()}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			le.Line, le.Column = tk.Position.Line, tk.Position.Column
		}
		return le
	}
	return &LoadError{File: file, Msg: err.Error()}
}

// LoadFS reads every *.yaml and *.yml file under fsys (recursively), in
// path order. The scenarios that loaded are returned even when others did
// not; the error is then LoadErrors. Ids must be unique across the suite.
func LoadFS(fsys fs.FS) ([]*Scenario, error) {
	var files []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	sort.Strings(files)
	// Parsing is most of a run's start-up: files are parsed in parallel,
	// then checked for duplicate ids in path order.
	type parsed struct {
		s   *Scenario
		err *LoadError
	}
	results := make([]parsed, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(files)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := fs.ReadFile(fsys, files[i])
				if err != nil {
					results[i].err = &LoadError{File: files[i], Msg: err.Error()}
					continue
				}
				s, err := Parse(files[i], data)
				if err != nil {
					results[i].err = err.(*LoadError)
					continue
				}
				results[i].s = s
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []*Scenario
	var errs LoadErrors
	seen := map[string]string{}
	for i, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		s := r.s
		if prev, dup := seen[s.ID]; dup {
			errs = append(errs, &LoadError{File: files[i], Line: s.Line, Msg: fmt.Sprintf("id %q is already used by %s", s.ID, prev)})
			continue
		}
		seen[s.ID] = files[i]
		out = append(out, s)
	}
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

// kindName says what a Go type looks like in YAML.
func kindName(t reflect.Type) string {
	if t == nil {
		return "the right type"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "a " + t.String()
}
