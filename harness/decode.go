package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators/faults"
)

// The scenario format is decoded strictly: an unknown key, a wrong type or a
// duplicate key is an error that names the file and line. Types that need
// their line (for failures) or accept several shapes decode themselves from
// the YAML node.

// posError is an error at a line of the scenario file.
type posError struct {
	Line, Column int
	Msg          string
}

func (e *posError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

func errAt(node ast.Node, format string, a ...any) error {
	line, col := position(node)
	return &posError{Line: line, Column: col, Msg: fmt.Sprintf(format, a...)}
}

// position is the line and column where a node starts.
func position(node ast.Node) (int, int) {
	switch n := node.(type) {
	case nil:
		return 0, 0
	case *ast.MappingNode:
		if len(n.Values) > 0 {
			return position(n.Values[0])
		}
	case *ast.MappingValueNode:
		return position(n.Key)
	case *ast.AnchorNode:
		return position(n.Value)
	case *ast.TagNode:
		return position(n.Value)
	case *ast.SequenceNode:
		if n.Start != nil {
			return n.Start.Position.Line, n.Start.Position.Column
		}
	}
	if tk := node.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

func lineOf(node ast.Node) int { l, _ := position(node); return l }

func strict(node ast.Node, v any) error { return yaml.NodeToValue(node, v, yaml.Strict()) }

// mapping returns a node's key/value pairs, or an error if it is not a mapping.
func mapping(node ast.Node) ([]*ast.MappingValueNode, bool) {
	switch n := unwrap(node).(type) {
	case *ast.MappingNode:
		return n.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{n}, true
	}
	return nil, false
}

func unwrap(node ast.Node) ast.Node {
	for {
		switch n := node.(type) {
		case *ast.AnchorNode:
			node = n.Value
		case *ast.TagNode:
			node = n.Value
		default:
			return node
		}
	}
}

func keyName(kv *ast.MappingValueNode) string {
	if s, ok := kv.Key.(*ast.StringNode); ok {
		return s.Value
	}
	return kv.Key.GetToken().Value
}

// scalarText is the text of a scalar node (string, number, bool), or false.
func scalarText(node ast.Node) (string, bool) {
	switch n := unwrap(node).(type) {
	case *ast.StringNode:
		return n.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return n.GetToken().Value, true
	case *ast.LiteralNode:
		return n.Value.Value, true
	}
	return "", false
}

func isNull(node ast.Node) bool {
	_, ok := unwrap(node).(*ast.NullNode)
	return node == nil || ok
}

// Duration is a duration written as Go writes it ("90s", "2h30m") or in
// days ("2d", "1d12h").
type Duration time.Duration

// UnmarshalYAML reads a duration.
func (d *Duration) UnmarshalYAML(node ast.Node) error {
	s, ok := scalarText(node)
	if !ok {
		return errAt(node, "want a duration such as 90s, 2h or 1d")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return errAt(node, "%v", err)
	}
	*d = Duration(v)
	return nil
}

// ParseDuration parses Go durations with an optional leading day count ("1d12h").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("bad duration %q (want 90s, 2h or 1d)", s)
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
		if s == "" {
			return days, nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want 90s, 2h or 1d)", s)
	}
	return days + v, nil
}

// Time is an instant in RFC 3339 ("2026-11-26T00:00:01+08:00"), or, for
// `at`, "next-midnight" (the next midnight in Asia/Shanghai, when the Chinese
// vendors' daily counters reset).
type Time struct {
	T            time.Time
	NextMidnight bool
}

// IsZero reports whether no time was given.
func (t Time) IsZero() bool { return t.T.IsZero() && !t.NextMidnight }

// UnmarshalYAML reads a time.
func (t *Time) UnmarshalYAML(node ast.Node) error {
	s, ok := scalarText(node)
	if !ok {
		return errAt(node, "want a time such as 2026-11-26T00:00:01+08:00 or next-midnight")
	}
	if s == "next-midnight" {
		*t = Time{NextMidnight: true}
		return nil
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return errAt(node, "bad time %q: want RFC 3339 such as 2026-11-26T00:00:01+08:00, or next-midnight", s)
	}
	*t = Time{T: v}
	return nil
}

// Scalar is a value compared as text: `code: 21301` and `code: "21301"` are the same.
type Scalar string

// UnmarshalYAML reads any scalar.
func (s *Scalar) UnmarshalYAML(node ast.Node) error {
	v, ok := scalarText(node)
	if !ok {
		return errAt(node, "want a single value (a number or a string)")
	}
	*s = Scalar(v)
	return nil
}

// StringList is a list of strings, or one string.
type StringList []string

// UnmarshalYAML reads a string or a list of strings.
func (l *StringList) UnmarshalYAML(node ast.Node) error {
	if s, ok := scalarText(node); ok {
		*l = StringList{s}
		return nil
	}
	seq, ok := unwrap(node).(*ast.SequenceNode)
	if !ok {
		return errAt(node, "want a name or a list of names")
	}
	out := make(StringList, 0, len(seq.Values))
	for _, v := range seq.Values {
		s, ok := scalarText(v)
		if !ok {
			return errAt(v, "want a name")
		}
		out = append(out, s)
	}
	*l = out
	return nil
}

// Form is an ordered form (application/x-www-form-urlencoded). A list value
// repeats the key: `alias: [a, b]` is alias=a&alias=b.
type Form []FormField

// FormField is one key and its value(s).
type FormField struct {
	Key    string
	Values []string
}

// UnmarshalYAML reads a mapping, keeping the keys' order.
func (f *Form) UnmarshalYAML(node ast.Node) error {
	kvs, ok := mapping(node)
	if !ok {
		if isNull(node) {
			return nil
		}
		return errAt(node, "form: want a mapping of field: value")
	}
	out := make(Form, 0, len(kvs))
	for _, kv := range kvs {
		field := FormField{Key: keyName(kv)}
		if s, ok := scalarText(kv.Value); ok {
			field.Values = []string{s}
		} else if isNull(kv.Value) {
			field.Values = []string{""}
		} else {
			var l StringList
			if err := l.UnmarshalYAML(kv.Value); err != nil {
				return errAt(kv.Value, "form field %q: want a value or a list of values", field.Key)
			}
			field.Values = l
		}
		out = append(out, field)
	}
	*f = out
	return nil
}

// stepKinds are the step actions, in the order the README lists them.
var stepKinds = []string{"login", "logout", "kick", "foreground", "background", "token", "send", "push", "request", "advance", "at", "phone", "fault", "tap", "subscribe", "expect"}

// UnmarshalYAML reads a step: a mapping with exactly one action key.
func (s *Step) UnmarshalYAML(node ast.Node) error {
	kvs, ok := mapping(node)
	if !ok {
		if k, ok := scalarText(node); ok && slices.Contains(stepKinds, k) {
			return errAt(node, "step %q needs a value (%s: ...)", k, k)
		}
		return errAt(node, "a step is a mapping with one action: %s", strings.Join(stepKinds, ", "))
	}
	if len(kvs) != 1 {
		var keys []string
		for _, kv := range kvs {
			keys = append(keys, keyName(kv))
		}
		return errAt(node, "a step has exactly one action, got %d: %s (start a new list item with - for each)", len(kvs), strings.Join(keys, ", "))
	}
	kv := kvs[0]
	s.Kind, s.Line = keyName(kv), lineOf(kv)
	v := kv.Value
	if isNull(v) {
		return errAt(kv, "step %q needs a value", s.Kind)
	}
	var err error
	switch s.Kind {
	case "login":
		s.Login, err = decodeSession(v)
	case "logout":
		s.Logout, err = decodeSession(v)
	case "kick":
		s.Kick, err = decodeSession(v)
	case "foreground":
		s.Foreground, err = decodeSession(v)
	case "background":
		s.Background, err = decodeSession(v)
	case "token":
		s.Token, err = decodeSession(v)
	case "send":
		s.Send = new(SendStep)
		err = strict(v, s.Send)
		s.Send.Line = s.Line
	case "push":
		s.Push = new(PushStep)
		err = strict(v, s.Push)
		s.Push.Line = s.Line
	case "request":
		s.Request = new(RequestStep)
		err = strict(v, s.Request)
		s.Request.Line = s.Line
	case "advance":
		s.Advance = new(Duration)
		err = s.Advance.UnmarshalYAML(v)
	case "at":
		s.At = new(Time)
		err = s.At.UnmarshalYAML(v)
	case "phone":
		err = strict(v, &s.Phone)
	case "fault":
		s.Fault, err = decodeFault(v)
	case "tap":
		s.Tap, err = decodeTap(v)
	case "subscribe":
		s.Subscribe, err = decodeSubscribe(v)
	case "expect":
		s.Expect = new(Expects)
		err = s.Expect.UnmarshalYAML(v)
	default:
		return errAt(kv, "unknown step %q (want one of: %s)", s.Kind, strings.Join(stepKinds, ", "))
	}
	return err
}

func decodeFault(node ast.Node) (*FaultStep, error) {
	f := &FaultStep{Line: lineOf(node)}
	if s, ok := scalarText(node); ok {
		if s != "clear" {
			return nil, errAt(node, "fault: a rule {vendor, action, code, ...}, a list of them, or clear")
		}
		f.Clear = true
		return f, nil
	}
	items := []ast.Node{node}
	if seq, ok := unwrap(node).(*ast.SequenceNode); ok {
		items = seq.Values
	}
	for _, item := range items {
		var v any
		if err := yaml.NodeToValue(item, &v); err != nil {
			return nil, errAt(item, "fault: %v", err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, errAt(item, "fault: %v", err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var r faults.Rule
		if err := dec.Decode(&r); err != nil {
			return nil, errAt(item, "fault: %v (keys: vendor, app, path, token, share, times, after, action, code, status, retry_after, latency)", err)
		}
		if err := r.Validate(); err != nil {
			return nil, errAt(item, "fault: %v", err)
		}
		f.Rules = append(f.Rules, r)
	}
	return f, nil
}

func decodeSession(node ast.Node) (*SessionStep, error) {
	if s, ok := scalarText(node); ok {
		return &SessionStep{Phone: s, Line: lineOf(node)}, nil
	}
	type plain SessionStep
	var p plain
	if err := strict(node, &p); err != nil {
		return nil, err
	}
	p.Line = lineOf(node)
	return (*SessionStep)(&p), nil
}

// UnmarshalYAML reads one expect mapping or a list of them.
func (e *Expects) UnmarshalYAML(node ast.Node) error {
	if isNull(node) {
		return nil
	}
	if seq, ok := unwrap(node).(*ast.SequenceNode); ok {
		out := make(Expects, 0, len(seq.Values))
		for _, v := range seq.Values {
			var x Expect
			if err := x.UnmarshalYAML(v); err != nil {
				return err
			}
			out = append(out, x)
		}
		*e = out
		return nil
	}
	var x Expect
	if err := x.UnmarshalYAML(node); err != nil {
		return err
	}
	*e = Expects{x}
	return nil
}

// The types below decode strictly and remember their line.

// UnmarshalYAML reads an expect mapping.
func (e *Expect) UnmarshalYAML(node ast.Node) error {
	if _, ok := mapping(node); !ok {
		return errAt(node, "expect: want a mapping of phone, response, result, outcome, ledger")
	}
	type plain Expect
	if err := strict(node, (*plain)(e)); err != nil {
		return err
	}
	e.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads an app.
func (a *AppSpec) UnmarshalYAML(node ast.Node) error {
	type plain AppSpec
	if err := strict(node, (*plain)(a)); err != nil {
		return err
	}
	a.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads a phone.
func (p *PhoneSpec) UnmarshalYAML(node ast.Node) error {
	type plain PhoneSpec
	if err := strict(node, (*plain)(p)); err != nil {
		return err
	}
	p.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads a phone change.
func (p *PhoneChange) UnmarshalYAML(node ast.Node) error {
	type plain PhoneChange
	if err := strict(node, (*plain)(p)); err != nil {
		return err
	}
	p.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads a phone expectation; `alice-phone: nothing` is short
// for `{shows: nothing}`.
func (p *PhoneExpect) UnmarshalYAML(node ast.Node) error {
	if s, ok := scalarText(node); ok {
		if s != "nothing" && s != "something" {
			return errAt(node, "phone expectation %q: want nothing, something or a mapping", s)
		}
		*p = PhoneExpect{Shows: s, Line: lineOf(node)}
		return nil
	}
	type plain PhoneExpect
	if err := strict(node, (*plain)(p)); err != nil {
		return err
	}
	p.Line = lineOf(node)
	if p.Shows != "" && p.Shows != "nothing" && p.Shows != "something" {
		return errAt(node, "shows: %q, want nothing or something", p.Shows)
	}
	return nil
}

// UnmarshalYAML reads a response expectation.
func (r *ResponseExpect) UnmarshalYAML(node ast.Node) error {
	type plain ResponseExpect
	if err := strict(node, (*plain)(r)); err != nil {
		return err
	}
	r.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads a result expectation.
func (r *ResultExpect) UnmarshalYAML(node ast.Node) error {
	type plain ResultExpect
	if err := strict(node, (*plain)(r)); err != nil {
		return err
	}
	r.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads an outcome expectation; `alice-phone: sent` is short for `{kind: sent}`.
func (o *OutcomeExpect) UnmarshalYAML(node ast.Node) error {
	if s, ok := scalarText(node); ok {
		*o = OutcomeExpect{Kind: &s, Line: lineOf(node)}
		return nil
	}
	type plain OutcomeExpect
	if err := strict(node, (*plain)(o)); err != nil {
		return err
	}
	o.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads a ledger expectation.
func (l *LedgerExpect) UnmarshalYAML(node ast.Node) error {
	type plain LedgerExpect
	if err := strict(node, (*plain)(l)); err != nil {
		return err
	}
	l.Line = lineOf(node)
	return nil
}

// UnmarshalYAML reads a partial certificate.
func (c *CertOverride) UnmarshalYAML(node ast.Node) error {
	kvs, ok := mapping(node)
	if !ok {
		return errAt(node, "certificate: want a mapping of push certificate fields")
	}
	if err := strict(node, &c.Cert); err != nil {
		return err
	}
	for _, kv := range kvs {
		c.Keys = append(c.Keys, keyName(kv))
	}
	c.Line = lineOf(node)
	return nil
}

// Apply copies the overridden fields onto cert.
func (c CertOverride) Apply(cert *push.Certificate) {
	src, dst := reflect.ValueOf(c.Cert), reflect.ValueOf(cert).Elem()
	t := src.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if slices.Contains(c.Keys, name) {
			dst.Field(i).Set(src.Field(i))
		}
	}
}
