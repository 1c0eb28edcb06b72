package android

import (
	"fmt"
	"regexp"
	"strings"
)

// Where a filter stopped matching, in the order IntentFilter.match checks;
// a higher stage got further, which makes it the filter to explain.
const (
	stageAction = iota
	stageCategory
	stageScheme
	stageHost
	stagePath
	stageType
	stageMatched
)

// FilterMatch is one filter checked against an intent.
type FilterMatch struct {
	OK     bool
	stage  int
	Reason string // why not, when !OK
}

// Match checks an intent against the filter as IntentFilter.match does:
// the action (an intent without one passes a filter that lists any), every
// category of the intent plus required (startActivity adds
// CATEGORY_DEFAULT to an implicit intent's resolution), then the data:
// scheme, authority (host case-insensitively, "*." wildcard, port), path
// (path, pathPrefix, pathPattern, pathAdvancedPattern, pathSuffix; only
// when the filter has an authority) and MIME type.
func (f *IntentFilter) Match(in *Intent, required ...string) FilterMatch {
	if in.Action != "" && !contains(f.Actions, in.Action) {
		return FilterMatch{stage: stageAction, Reason: fmt.Sprintf("action %s is not among its actions %s", in.Action, list(f.Actions))}
	}
	if in.Action == "" && len(f.Actions) == 0 {
		return FilterMatch{stage: stageAction, Reason: "it lists no action, so no intent matches it"}
	}
	for _, c := range append(append([]string(nil), in.Categories...), required...) {
		if !contains(f.Categories, c) {
			why := fmt.Sprintf("category %s is not among its categories %s", c, list(f.Categories))
			if c == CategoryDefault {
				why = fmt.Sprintf("it lacks <category android:name=\"%s\"/>, which an implicit intent started with startActivity needs", CategoryDefault)
			}
			return FilterMatch{stage: stageCategory, Reason: why}
		}
	}
	return f.matchData(in)
}

func (f *IntentFilter) matchData(in *Intent) FilterMatch {
	data, hasData := in.DataURI()
	typ := in.Type
	if len(f.Types) == 0 && len(f.Schemes) == 0 {
		if typ == "" && !hasData {
			return FilterMatch{OK: true, stage: stageMatched}
		}
		if hasData {
			return FilterMatch{stage: stageScheme, Reason: fmt.Sprintf("the intent has data %s but the filter has no <data>", data.Raw)}
		}
		return FilterMatch{stage: stageType, Reason: fmt.Sprintf("the intent has type %s but the filter has no <data android:mimeType>", typ)}
	}
	if len(f.Schemes) > 0 {
		scheme := data.Scheme // "" when there is no data or no scheme, as Android compares
		if !contains(f.Schemes, scheme) {
			if !hasData {
				return FilterMatch{stage: stageScheme, Reason: fmt.Sprintf("the filter wants data with scheme %s but the intent has no data", list(f.Schemes))}
			}
			return FilterMatch{stage: stageScheme, Reason: fmt.Sprintf("scheme %q of %s is not among its schemes %s (schemes are case-sensitive)", scheme, data.Raw, list(f.Schemes))}
		}
		if len(f.Authorities) > 0 {
			if !hasData || !data.HasHost {
				return FilterMatch{stage: stageHost, Reason: fmt.Sprintf("the filter wants a host %s but %s has none", authorities(f.Authorities), data.Raw)}
			}
			matched := false
			for _, a := range f.Authorities {
				if a.match(data) {
					matched = true
					break
				}
			}
			if !matched {
				where := fmt.Sprintf("host %q", data.Host)
				if data.Port >= 0 {
					where = fmt.Sprintf("host %q port %d", data.Host, data.Port)
				} else if hasPort(f.Authorities) {
					where += " (no port)"
				}
				return FilterMatch{stage: stageHost, Reason: fmt.Sprintf("%s of %s is not among its hosts %s", where, data.Raw, authorities(f.Authorities))}
			}
			if len(f.Paths) > 0 {
				ok := false
				for _, p := range f.Paths {
					if data.HasPath && p.Match(data.Path) {
						ok = true
						break
					}
				}
				if !ok {
					return FilterMatch{stage: stagePath, Reason: fmt.Sprintf("path %q of %s matches none of its paths %s", data.Path, data.Raw, paths(f.Paths))}
				}
			}
		}
	} else if data.Scheme != "" && data.Scheme != "content" && data.Scheme != "file" {
		// A filter with only MIME types takes no data, content: or file: URIs.
		return FilterMatch{stage: stageScheme, Reason: fmt.Sprintf("the filter lists only MIME types, which do not take %s", data.Raw)}
	}
	if len(f.Types) > 0 {
		if !mimeMatch(f.Types, typ) {
			return FilterMatch{stage: stageType, Reason: fmt.Sprintf("type %q is not among its types %s", typ, list(f.Types))}
		}
	} else if typ != "" {
		return FilterMatch{stage: stageType, Reason: fmt.Sprintf("the intent has type %s but the filter lists no MIME type", typ)}
	}
	return FilterMatch{OK: true, stage: stageMatched}
}

// match is IntentFilter.AuthorityEntry.match.
func (a Authority) match(u Uri) bool {
	host, want := u.Host, a.Host
	if strings.HasPrefix(want, "*") {
		want = want[1:]
		if len(host) < len(want) {
			return false
		}
		host = host[len(host)-len(want):]
	}
	if !strings.EqualFold(host, want) {
		return false
	}
	return a.Port < 0 || a.Port == u.Port
}

// Match is PatternMatcher.match for the pattern's kind.
func (p PathPattern) Match(s string) bool {
	switch p.Kind {
	case PathLiteral:
		return s == p.Pattern
	case PathPrefix:
		return strings.HasPrefix(s, p.Pattern)
	case PathSuffix:
		return strings.HasSuffix(s, p.Pattern)
	case PathGlob:
		return matchGlob(p.Pattern, s)
	case PathAdvanced:
		re, err := advancedRegexp(p.Pattern)
		return err == nil && re.MatchString(s)
	}
	return false
}

// matchGlob is PatternMatcher.matchGlobPattern (PATTERN_SIMPLE_GLOB): '.'
// is any character, "x*" any run of x, ".*" any run of anything (matched
// lazily up to the next pattern character, as Android does), '\' escapes.
func matchGlob(pattern, match string) bool {
	np, nm := len(pattern), len(match)
	if np == 0 {
		return nm == 0
	}
	at := func(i int) byte {
		if i < np {
			return pattern[i]
		}
		return 0
	}
	ip, im := 0, 0
	next := pattern[0]
	for ip < np && im < nm {
		c := next
		ip++
		next = at(ip)
		escaped := c == '\\'
		if escaped {
			c = next
			ip++
			next = at(ip)
		}
		if next == '*' {
			if !escaped && c == '.' {
				if ip >= np-1 {
					return true // ".*" ends the pattern: anything goes
				}
				ip++
				next = pattern[ip]
				if next == '\\' {
					ip++
					next = at(ip)
				}
				for im < nm && match[im] != next {
					im++
				}
				if im == nm {
					return false
				}
				ip++
				next = at(ip)
				im++
			} else {
				for im < nm && match[im] == c {
					im++
				}
				ip++
				next = at(ip)
			}
		} else {
			if c != '.' && match[im] != c {
				return false
			}
			im++
		}
	}
	if ip >= np && im >= nm {
		return true
	}
	// The match ran out with ".*" left in the pattern: still a match.
	return ip == np-2 && pattern[ip] == '.' && pattern[ip+1] == '*'
}

// advancedRegexp translates a pathAdvancedPattern (PATTERN_ADVANCED_GLOB:
// '.', '*', '+', {m,n}, [ranges], '\' escapes) into an anchored regexp.
func advancedRegexp(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^(?:")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(string(p[i])))
			}
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [")
			}
			b.WriteString(p[i : i+j+1])
			i += j
		case '.', '*', '+', '{', '}', ',':
			b.WriteByte(c)
		default:
			if c >= '0' && c <= '9' {
				b.WriteByte(c)
			} else {
				b.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
	}
	b.WriteString(")$")
	return regexp.Compile(b.String())
}

func mimeMatch(types []string, typ string) bool {
	if typ == "" {
		return false
	}
	major, _, _ := strings.Cut(typ, "/")
	for _, t := range types {
		switch {
		case t == typ, t == "*/*", t == "*":
			return true
		case strings.HasSuffix(t, "/*") && strings.TrimSuffix(t, "/*") == major:
			return true
		}
	}
	return false
}

func list(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func authorities(as []Authority) string {
	var s []string
	for _, a := range as {
		if a.Port >= 0 {
			s = append(s, fmt.Sprintf("%s:%d", a.Host, a.Port))
		} else {
			s = append(s, a.Host)
		}
	}
	return list(s)
}

func paths(ps []PathPattern) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Kind+" "+p.Pattern)
	}
	return list(s)
}

func hasPort(as []Authority) bool {
	for _, a := range as {
		if a.Port >= 0 {
			return true
		}
	}
	return false
}
