package world

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Topic conditions: the boolean expressions over topics that FCM and Huawei
// Push Kit take in message.condition, e.g.
//
//	'TopicA' in topics && ('TopicB' in topics || !('TopicC' in topics))
//
// An atom is a quoted topic name followed by "in topics"; atoms combine with
// && (and), || (or), ! (not) and parentheses. Both vendors document at most
// five topics per condition (vendor-facts/huawei-oppo-fcm-honor.md §1.3 and
// §3.3; the Huawei clients quote "a maximum of five topics"). A negation
// selects the app's phones that are not subscribed, including phones with no
// subscription at all (FCM's documented reading of '!').

// ErrTopicCondition is a condition the grammar refuses.
var ErrTopicCondition = errors.New("invalid topic condition")

// ConditionOrder says how && and || combine outside parentheses.
type ConditionOrder int

const (
	// ConditionStandard: && binds tighter than ||, as in C and Java.
	ConditionStandard ConditionOrder = iota
	// ConditionLeftToRight: && and || have one precedence and combine from
	// left to right ("FCM first evaluates any conditions in parentheses, and
	// then evaluates the expression from left to right").
	ConditionLeftToRight
)

// ConditionOptions are a vendor's rules for its conditions.
type ConditionOptions struct {
	MaxTopics  int                     // atoms allowed (0: no limit)
	Order      ConditionOrder          // how && and || combine
	ValidTopic func(topic string) bool // the vendor's topic pattern (nil: ValidTopic)
}

// maxConditionBytes and maxConditionDepth bound what is parsed at all: a
// condition of five topics is short, and the parser recurses on parentheses.
const (
	maxConditionBytes = 8 << 10
	maxConditionDepth = 32
)

// TopicCondition is a parsed condition.
type TopicCondition struct {
	root   *condNode
	topics []string // the atoms' topics, distinct, in order of appearance
	atoms  int
}

type condOp byte

const (
	condAtom condOp = iota
	condNot
	condAnd
	condOr
)

type condNode struct {
	op          condOp
	topic       string // condAtom
	left, right *condNode
}

// ParseTopicCondition parses s. Errors wrap ErrTopicCondition and say what is
// wrong and where.
func ParseTopicCondition(s string, opt ConditionOptions) (*TopicCondition, error) {
	if len(s) > maxConditionBytes {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrTopicCondition, maxConditionBytes)
	}
	p := condParser{s: s, opt: opt, c: &TopicCondition{}}
	root, err := p.expr(0)
	if err == nil {
		if p.skip(); p.i < len(s) {
			err = p.fail("unexpected %q", p.rest())
		}
	}
	if err != nil {
		return nil, err
	}
	if opt.MaxTopics > 0 && p.c.atoms > opt.MaxTopics {
		return nil, fmt.Errorf("%w: %d topics, at most %d", ErrTopicCondition, p.c.atoms, opt.MaxTopics)
	}
	p.c.root = root
	return p.c, nil
}

// Topics lists the condition's topics, each once, in order of appearance.
func (c *TopicCondition) Topics() []string { return slices.Clone(c.topics) }

// Match evaluates the condition for a phone subscribed to the topics for
// which subscribed returns true.
func (c *TopicCondition) Match(subscribed func(topic string) bool) bool {
	return c.root.eval(subscribed)
}

func (n *condNode) eval(sub func(string) bool) bool {
	switch n.op {
	case condAtom:
		return sub(n.topic)
	case condNot:
		return !n.left.eval(sub)
	case condAnd:
		return n.left.eval(sub) && n.right.eval(sub)
	default:
		return n.left.eval(sub) || n.right.eval(sub)
	}
}

type condParser struct {
	s   string
	i   int
	opt ConditionOptions
	c   *TopicCondition
}

func (p *condParser) fail(format string, a ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrTopicCondition, p.i, fmt.Sprintf(format, a...))
}

func (p *condParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *condParser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

// binary reads "&&" or "||" if it comes next.
func (p *condParser) binary() (condOp, bool) {
	p.skip()
	switch {
	case strings.HasPrefix(p.s[p.i:], "&&"):
		p.i += 2
		return condAnd, true
	case strings.HasPrefix(p.s[p.i:], "||"):
		p.i += 2
		return condOr, true
	}
	return 0, false
}

// expr is unary (op unary)*, combined by the vendor's order.
func (p *condParser) expr(depth int) (*condNode, error) {
	if depth > maxConditionDepth {
		return nil, p.fail("nested deeper than %d", maxConditionDepth)
	}
	first, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	operands, ops := []*condNode{first}, []condOp(nil)
	for {
		op, ok := p.binary()
		if !ok {
			break
		}
		next, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		operands, ops = append(operands, next), append(ops, op)
	}
	if p.opt.Order == ConditionLeftToRight {
		n := operands[0]
		for i, op := range ops {
			n = &condNode{op: op, left: n, right: operands[i+1]}
		}
		return n, nil
	}
	// Standard: fold the && runs first, then join them with ||.
	var or *condNode
	and := operands[0]
	for i, op := range ops {
		if op == condAnd {
			and = &condNode{op: condAnd, left: and, right: operands[i+1]}
			continue
		}
		or = joinOr(or, and)
		and = operands[i+1]
	}
	return joinOr(or, and), nil
}

func joinOr(or, n *condNode) *condNode {
	if or == nil {
		return n
	}
	return &condNode{op: condOr, left: or, right: n}
}

// unary is "!" unary | "(" expr ")" | atom.
func (p *condParser) unary(depth int) (*condNode, error) {
	if depth > maxConditionDepth {
		return nil, p.fail("nested deeper than %d", maxConditionDepth)
	}
	p.skip()
	if p.i >= len(p.s) {
		return nil, p.fail("a topic ('name' in topics) or '(' expected, the condition ends")
	}
	switch p.s[p.i] {
	case '!':
		p.i++
		n, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &condNode{op: condNot, left: n}, nil
	case '(':
		p.i++
		n, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.skip(); p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, p.fail("')' expected")
		}
		p.i++
		return n, nil
	case '\'', '"':
		return p.atom()
	}
	return nil, p.fail("a topic ('name' in topics) or '(' expected, got %q", p.rest())
}

// atom is 'name' in topics (single or double quotes).
func (p *condParser) atom() (*condNode, error) {
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return nil, p.fail("unterminated topic name")
	}
	topic := p.s[p.i+1 : p.i+1+end]
	valid := p.opt.ValidTopic
	if valid == nil {
		valid = func(t string) bool { return ValidTopic(t) == nil }
	}
	if !valid(topic) {
		return nil, p.fail("invalid topic name %q", topic)
	}
	p.i += end + 2
	for _, word := range [...]string{"in", "topics"} {
		before := p.i
		if p.skip(); p.i == before || !strings.HasPrefix(p.s[p.i:], word) {
			p.i = before
			return nil, p.fail("%q must be followed by \"in topics\"", topic)
		}
		p.i += len(word)
	}
	if p.i < len(p.s) && isWordByte(p.s[p.i]) {
		return nil, p.fail("%q must be followed by \"in topics\"", topic)
	}
	p.c.atoms++
	if !slices.Contains(p.c.topics, topic) {
		p.c.topics = append(p.c.topics, topic)
	}
	return &condNode{op: condAtom, topic: topic}, nil
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// MatchCondition lists the phones of an app the condition selects, in
// registration order. When the condition holds for a phone with no
// subscription (it negates a topic), every phone of the app is a candidate;
// else only the subscribers of its topics are.
func (w *World) MatchCondition(vendor, app string, c *TopicCondition) []Device {
	w.mu.RLock()
	defer w.mu.RUnlock()
	subs := make(map[string]map[string]bool, len(c.topics))
	for _, t := range c.topics {
		set := map[string]bool{}
		for _, id := range w.topics.subs[topicKey{vendor, app, t}] {
			set[id] = true
		}
		subs[t] = set
	}
	everyone := c.Match(func(string) bool { return false })
	var out []Device
	for _, id := range w.order {
		p := w.phones[id]
		if p.Vendor != vendor || p.App != app {
			continue
		}
		if !everyone && !slices.ContainsFunc(c.topics, func(t string) bool { return subs[t][id] }) {
			continue
		}
		if c.Match(func(t string) bool { return subs[t][id] }) {
			out = append(out, p.Device.clone())
		}
	}
	return out
}
