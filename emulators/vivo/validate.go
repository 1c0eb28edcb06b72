package vivo

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// resolved is a message that passed validation, as the phone will get it.
type resolved struct {
	title, content string
	notifyType     int
	ttl            time.Duration
	skipType       int
	skipContent    string
	custom         map[string]string
	system         bool   // the class it is handled in, after re-classification
	category       string // as sent (upper case) or ""
	marketing      string // the keyword that re-classified a system message
	notifyID       string
	sendOnline     bool
	test           bool // pushMode=1
	// filter is the content filter's verdict on title and content: a
	// sensitive word drops the message on the phone, control characters
	// are stripped there (see (*call).checkContent).
	filter world.ContentVerdict
}

// verdict is why a request is refused: a vivo code, the rule and a reason.
type verdict struct {
	code   int
	rule   string
	reason string
}

func refuse(code int, rule, reason string) *verdict { return &verdict{code, rule, reason} }

// Categories (addendum §1.1): true = system (classification 1).
var categories = map[string]bool{
	"IM": true, "ACCOUNT": true, "TODO": true, "DEVICE_REMINDER": true, "ORDER": true, "SUBSCRIPTION": true,
	"NEWS": false, "CONTENT": false, "MARKETING": false, "SOCIAL": false,
}

// defaultMarketing is the built-in list behind vivo's "intelligent
// classification" (the real model is not public; App.Settings
// marketing_keywords replaces it).
const defaultMarketing = "优惠,促销,折扣,打折,特价,秒杀,抢购,限时,领取,红包,优惠券,福利,满减,大促,免费领,coupon,discount,promotion,sale"

// lists caches comma-separated settings split into words.
var lists sync.Map // string → []string

func splitList(s string) []string {
	if v, ok := lists.Load(s); ok {
		return v.([]string)
	}
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	lists.Store(s, out)
	return out
}

// keywords is splitList with ASCII letters in lower case.
func keywords(s string) []string {
	return splitList(lowerASCII(s))
}

// count is the length of s under the app's rule (addendum §1.6): the newer
// rule counts every character 1; the older one (the SDK's caculateCharSize)
// counts a CJK character 2 and anything else, an emoji too, 1. It is the
// world's counting, so validation and what the phone shows agree.
func count(s string, older bool) int {
	if older {
		return world.TextLength(s, world.CountCJK2)
	}
	return world.TextLength(s, world.CountRunes)
}

// validate checks the message fields of /message/send (list=false) and
// /message/saveListPayload (list=true) in the order of the SDK's
// Validation, and resolves them.
func validate(app *world.App, m *message, list bool) (resolved, *verdict) {
	var res resolved
	older := app.Setting("length_rule", "newer") == "older"

	if !list {
		if strings.TrimSpace(m.RegID.s) == "" && strings.TrimSpace(m.Alias.s) == "" {
			return res, refuse(codeNoTarget, ruleTarget, "neither regId nor alias")
		}
		if strings.TrimSpace(m.RegID.s) == "" {
			if max := app.Quota("alias_max", 70); utf8.RuneCountInString(m.Alias.s) > max {
				return res, refuse(codeAliasLong, ruleAlias, "alias longer than "+strconv.Itoa(max)+" characters")
			}
		}
	}
	nt, ok := m.NotifyType.int()
	if !ok || nt < 1 || nt > 4 {
		return res, refuse(codeNotifyType, ruleNotifyType, "notifyType must be 1, 2, 3 or 4, got "+show(m.NotifyType))
	}
	res.notifyType = int(nt)

	res.title = strings.TrimSpace(m.Title.s)
	if m.Title.invalid {
		return res, refuse(codeTitleLong, ruleContentEncoding, "title is not valid UTF-8")
	}
	if res.title == "" || m.Title.bad {
		return res, refuse(codeTitleEmpty, ruleTitle, "title is empty")
	}
	if max, n := app.Quota("title_max", 40), count(res.title, older); n > max {
		return res, refuse(codeTitleLong, ruleTitle, lengthReason("title", n, max, older))
	}
	res.content = strings.TrimSpace(m.Content.s)
	if m.Content.invalid {
		return res, refuse(codeContentLong, ruleContentEncoding, "content is not valid UTF-8")
	}
	if res.content == "" || m.Content.bad {
		return res, refuse(codeContentEmpty, ruleContent, "content is empty")
	}
	if max, n := app.Quota("content_max", 100), count(res.content, older); n > max {
		return res, refuse(codeContentLong, ruleContent, lengthReason("content", n, max, older))
	}

	res.ttl = 86400 * time.Second
	if m.TimeToLive.set {
		ttl, ok := m.TimeToLive.int()
		low := int64(60)
		if list {
			low = 900
		}
		high := int64(app.Quota("ttl_max_s", 86400))
		if !ok || ttl < low || ttl > high {
			return res, refuse(codeTTL, ruleTTL, "timeToLive must be "+strconv.FormatInt(low, 10)+"…"+strconv.FormatInt(high, 10)+" seconds, got "+show(m.TimeToLive))
		}
		res.ttl = time.Duration(ttl) * time.Second
	}

	st, ok := m.SkipType.int()
	if !ok || st < 1 || st > 4 {
		return res, refuse(codeSkipType, ruleSkip, "skipType must be 1, 2, 3 or 4, got "+show(m.SkipType))
	}
	res.skipType = int(st)
	sc := strings.TrimSpace(m.SkipContent.s)
	n := utf8.RuneCountInString(sc)
	switch st {
	case 2:
		if sc == "" {
			return res, refuse(codeURLEmpty, ruleSkip, "skipType 2 needs a URL in skipContent")
		}
		if max := app.Quota("url_max", 1024); n > max {
			return res, refuse(codeURLLong, ruleSkip, "skipContent longer than "+strconv.Itoa(max)+" characters")
		}
	case 3:
		if sc == "" {
			return res, refuse(codeCustomEmpty, ruleSkip, "skipType 3 needs skipContent")
		}
		if n > 1024 {
			return res, refuse(codeCustomLong, ruleSkip, "skipContent longer than 1024 characters")
		}
	case 4:
		if sc == "" {
			return res, refuse(codeActivityEmpty, ruleSkip, "skipType 4 needs an intent URI in skipContent")
		}
		if n > 1024 {
			return res, refuse(codeActivityLong, ruleSkip, "skipContent longer than 1024 characters")
		}
	}
	if st != 1 {
		res.skipContent = sc
	}

	if m.NetworkType.set {
		v, ok := m.NetworkType.int()
		if !ok || (v != -1 && v != 1) {
			return res, refuse(codeNetworkType, ruleNetworkType, "networkType must be -1 or 1, got "+show(m.NetworkType))
		}
	}

	if v := verifyCustom(&m.ClientCustomMap); v != nil {
		return res, v
	}
	res.custom = m.ClientCustomMap.toMap()

	if m.Extra.bad {
		return res, refuse(codeCallbackLong, ruleCallback, "extra is not an object of strings")
	}
	if cb, _ := m.Extra.get("callback"); utf8.RuneCountInString(cb) > 128 {
		return res, refuse(codeCallbackLong, ruleCallback, "extra.callback longer than 128 characters")
	}
	if p, _ := m.Extra.get("callback.param"); utf8.RuneCountInString(p) > 64 {
		return res, refuse(codeCallbackParam, ruleCallback, "extra.callback.param longer than 64 characters")
	}

	if v := classify(app, m, &res); v != nil {
		return res, v
	}

	rid := strings.TrimSpace(m.RequestID.s)
	if rid == "" {
		return res, refuse(codeRequestIDEmpty, ruleRequestID, "requestId is empty")
	}
	if utf8.RuneCountInString(rid) > 64 {
		return res, refuse(codeRequestIDLong, ruleRequestID, "requestId longer than 64 characters")
	}

	if pm, ok := m.PushMode.int(); ok && pm == 1 {
		res.test = true
	}
	if id, ok := m.NotifyID.int(); ok && id >= 1 && id <= 2147483647 {
		res.notifyID = strconv.FormatInt(id, 10)
	}
	res.sendOnline = m.SendOnline.s == "true" || m.SendOnline.s == "1"
	return res, nil
}

// verifyCustom checks clientCustomMap (facts §3.3, addendum §1.6).
func verifyCustom(p *pairs) *verdict {
	if p.bad {
		return refuse(codeCustomMapIllegal, ruleCustomMap, "clientCustomMap is not an object of strings")
	}
	if len(p.keys) > 10 {
		return refuse(codeCustomMapCount, ruleCustomMap, "clientCustomMap has "+strconv.Itoa(len(p.keys))+" pairs, at most 10")
	}
	total := 0
	for i, k := range p.keys {
		kn, vn := utf8.RuneCountInString(k), utf8.RuneCountInString(p.vals[i])
		if kn == 0 {
			return refuse(codeCustomMapIllegal, ruleCustomMap, "clientCustomMap has an empty key")
		}
		if kn > 1024 || vn > 1024 {
			return refuse(codeCustomMapIllegal, ruleCustomMap, "clientCustomMap key or value "+strconv.Quote(k)+" longer than 1024 characters")
		}
		total += kn + vn
	}
	if total > 1024 {
		return refuse(codeCustomMapIllegal, ruleCustomMap, "clientCustomMap keys and values add up to "+strconv.Itoa(total)+" characters, at most 1024")
	}
	return nil
}

// classify checks classification and category (facts §3.3, addendum §1.1)
// and applies the re-classification of marketing-like system messages.
func classify(app *world.App, m *message, res *resolved) *verdict {
	class := int64(-1)
	if m.Classification.set {
		v, ok := m.Classification.int()
		if !ok || (v != 0 && v != 1) {
			return refuse(codeClassification, ruleClassification, "classification must be 0 or 1, got "+show(m.Classification))
		}
		class = v
	}
	if m.Category.set && strings.TrimSpace(m.Category.s) != "" {
		cat := strings.TrimSpace(m.Category.s)
		system, known := categories[cat]
		if !known && !m.Category.bad {
			for _, c := range splitList(app.Setting("custom_categories", "")) {
				if c == cat {
					system, known = true, true
				}
			}
		}
		if !known {
			return refuse(codeCategory, ruleCategory, "category "+strconv.Quote(cat)+" is not a vivo category (upper case: IM, ACCOUNT, TODO, DEVICE_REMINDER, ORDER, SUBSCRIPTION, NEWS, CONTENT, MARKETING, SOCIAL)")
		}
		if class >= 0 && (class == 1) != system {
			return refuse(codeCategoryMismatch, ruleMismatch, "category "+cat+" is "+className(system)+" but classification is "+strconv.FormatInt(class, 10))
		}
		res.category = cat
		res.system = system
	} else {
		res.system = class == 1
	}
	if res.system {
		if k := marketingWord(keywords(app.Setting("marketing_keywords", defaultMarketing)), res.title, res.content); k != "" {
			res.system, res.marketing = false, k
		}
	}
	return nil
}

func className(system bool) string {
	if system {
		return "a system category (classification 1)"
	}
	return "an operation category (classification 0)"
}

// marketingWord reports the first keyword found in the title or content,
// ignoring ASCII case; it allocates only when the text has upper-case
// ASCII letters.
func marketingWord(words []string, title, content string) string {
	title, content = lowerASCII(title), lowerASCII(content)
	for _, k := range words {
		if strings.Contains(title, k) || strings.Contains(content, k) {
			return k
		}
	}
	return ""
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func lengthReason(field string, n, max int, older bool) string {
	rule := "every character counts 1"
	if older {
		rule = "older rule: a CJK character counts 2"
	}
	return field + " counts " + strconv.Itoa(n) + ", at most " + strconv.Itoa(max) + " (" + rule + ")"
}

func show(t text) string {
	if !t.set {
		return "nothing"
	}
	if t.bad {
		return "an object or array"
	}
	return strconv.Quote(t.s)
}
