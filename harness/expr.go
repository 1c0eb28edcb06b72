package harness

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Strings in push, request and send steps may contain ${...} expressions,
// resolved when the step runs (tokens exist only then):
//
//	${alice-phone.token}   a phone's token (also .id, .name, .user)
//	${chat.app_secret}     an app's console field (app_id, app_key, app_secret, package, vendor, name)
//	${repeat(标, 50)}      a text repeated n times (quotes optional: repeat("a b", 3))
//	${tokens(1001)}        n fresh, unregistered tokens of the step's vendor, comma-joined
//	${response.value.taskId}  a value of the last `request` step's JSON answer (a dotted
//	                       path, as in expect: response: json), for a call that needs an id
//	                       the vendor handed out (Meizu's taskId, OPPO's message_id)
//	${saved.value.taskId}  the same in the answer of the request step with `id: saved`
//
// "$$" is a literal "$".

// exprEnv resolves names and functions for expand.
type exprEnv interface {
	field(name, field string) (string, error)
	tokens(n int) (string, error)
	// response reads a path of the answer of the request step with that
	// id ("" = the last request); errNoRequest when no step has the id.
	response(id, path string) (string, error)
}

// errNoRequest: no request step has that id (the name may be a phone's).
var errNoRequest = errors.New("no request step with that id")

// expand replaces every ${...} in s.
func expand(s string, env exprEnv) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "$$"):
			b.WriteByte('$')
			s = s[2:]
		case strings.HasPrefix(s, "${"):
			end := strings.IndexByte(s, '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${ in %q", s)
			}
			v, err := eval(strings.TrimSpace(s[2:end]), env)
			if err != nil {
				return "", fmt.Errorf("${%s}: %w", s[2:end], err)
			}
			b.WriteString(v)
			s = s[end+1:]
		default:
			b.WriteByte('$')
			s = s[1:]
		}
	}
}

func eval(e string, env exprEnv) (string, error) {
	if open := strings.IndexByte(e, '('); open > 0 && strings.HasSuffix(e, ")") {
		fn := strings.TrimSpace(e[:open])
		args := splitArgs(e[open+1 : len(e)-1])
		switch fn {
		case "repeat":
			if len(args) != 2 {
				return "", fmt.Errorf("repeat takes a text and a count")
			}
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 0 || n > 1<<20 {
				return "", fmt.Errorf("repeat count %q is not a number up to 1048576", args[1])
			}
			return strings.Repeat(args[0], n), nil
		case "tokens":
			if len(args) != 1 {
				return "", fmt.Errorf("tokens takes a count")
			}
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 || n > 100000 {
				return "", fmt.Errorf("tokens count %q is not a number from 1 to 100000", args[0])
			}
			return env.tokens(n)
		}
		return "", fmt.Errorf("unknown function %q (want repeat or tokens)", fn)
	}
	if path, ok := strings.CutPrefix(e, "response."); ok && path != "" {
		return env.response("", path)
	}
	if id, path, ok := strings.Cut(e, "."); ok && path != "" {
		if v, err := env.response(id, path); !errors.Is(err, errNoRequest) {
			return v, err
		}
	}
	dot := strings.LastIndexByte(e, '.')
	if dot <= 0 || dot == len(e)-1 {
		return "", fmt.Errorf("want <phone>.token, <app>.app_secret, repeat(text, n) or tokens(n)")
	}
	return env.field(e[:dot], e[dot+1:])
}

// splitArgs splits on commas outside quotes and unquotes each argument.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	var quote byte
	flush := func() {
		a := strings.TrimSpace(cur.String())
		if len(a) >= 2 && (a[0] == '"' || a[0] == '\'') && a[len(a)-1] == a[0] {
			a = a[1 : len(a)-1]
		}
		args = append(args, a)
		cur.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == ',':
			flush()
			continue
		}
		cur.WriteByte(c)
	}
	if strings.TrimSpace(cur.String()) != "" || len(args) > 0 {
		flush()
	}
	return args
}

// names is an exprEnv that only knows which names exist: the loader uses
// it to report a misspelt ${...} with its line before anything runs.
type names struct {
	phones   map[string]bool
	apps     map[string]bool
	requests map[string]bool // ids of the request steps before the one checked
}

var phoneFields = []string{"token", "id", "name", "user"}
var appFields = []string{"app_id", "app_key", "app_secret", "package", "vendor", "name"}

func (n names) field(name, field string) (string, error) {
	switch {
	case n.phones[name]:
		if !slices.Contains(phoneFields, field) {
			return "", fmt.Errorf("phone %q has no field %q (want %s)", name, field, strings.Join(phoneFields, ", "))
		}
	case n.apps[name]:
		if !slices.Contains(appFields, field) {
			return "", fmt.Errorf("app %q has no field %q (want %s)", name, field, strings.Join(appFields, ", "))
		}
	default:
		return "", fmt.Errorf("no phone or app named %q", name)
	}
	return "x", nil
}

func (n names) tokens(int) (string, error) { return "x", nil }

// response cannot be known before the run: any path is accepted.
func (n names) response(id, _ string) (string, error) {
	if id != "" && !n.requests[id] {
		return "", errNoRequest
	}
	return "x", nil
}
