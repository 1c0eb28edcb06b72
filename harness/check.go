package harness

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators/world"
)

// check evaluates expectations; every broken one becomes a failure with
// its line, and a message that says what was found instead.
func (r *runner) check(es Expects) {
	for _, e := range es {
		for _, name := range sortedKeys(e.Phone) {
			pe := e.Phone[name]
			for _, msg := range r.checkPhone(name, pe) {
				r.fail(r.step, pe.Line, msg)
			}
		}
		if e.Response != nil {
			for _, msg := range r.checkResponse(e.Response) {
				r.fail(r.step, e.Response.Line, msg)
			}
		}
		for _, key := range sortedKeys(e.Result) {
			re := e.Result[key]
			for _, msg := range r.checkResult(key, re) {
				r.fail(r.step, re.Line, msg)
			}
		}
		for _, name := range sortedKeys(e.Outcome) {
			oe := e.Outcome[name]
			for _, msg := range r.checkOutcome(e.Message, name, oe) {
				r.fail(r.step, oe.Line, msg)
			}
		}
		for _, le := range e.Ledger {
			if msg := r.checkLedger(le); msg != "" {
				r.fail(r.step, le.Line, msg)
			}
		}
		r.checkTaps(e)
	}
}

func (r *runner) checkPhone(name string, pe PhoneExpect) []string {
	sh, err := r.srv.World.Shade(r.phoneID(name))
	if err != nil {
		return []string{err.Error()}
	}
	var msgs []string
	failf := func(format string, a ...any) { msgs = append(msgs, name+": "+fmt.Sprintf(format, a...)) }
	shown := len(sh.Shown)
	switch {
	case pe.Shows == "nothing" && shown > 0:
		failf("shows %s, want nothing", shownText(sh.Shown))
	case pe.Shows == "something" && shown == 0:
		failf("shows nothing%s, want a notification", droppedText(sh))
	}
	if pe.Count != nil && *pe.Count != shown {
		failf("shows %s, want %d%s", shownText(sh.Shown), *pe.Count, droppedText(sh))
	}
	wantsNewest := pe.Title != nil || pe.Body != nil || pe.Channel != nil || pe.Class != nil || pe.Importance != nil ||
		pe.Sound != nil || pe.NotifyID != nil || pe.Payload != nil || pe.Click != nil || pe.Extras != nil
	if wantsNewest {
		if shown == 0 {
			failf("shows nothing%s, want a notification to check", droppedText(sh))
		} else {
			n := sh.Shown[shown-1]
			eq := func(field string, want *string, got string) {
				if want == nil {
					return
				}
				w, err := expand(*want, r.exprEnv("", nil))
				if err != nil {
					failf("%s: %v", field, err)
				} else if w != got {
					failf("newest notification's %s is %s, want %s", field, quoteCut(got), quoteCut(w))
				}
			}
			eq("title", pe.Title, n.Title)
			eq("body", pe.Body, n.Body)
			eq("channel", pe.Channel, n.Channel)
			eq("class", pe.Class, n.Class)
			eq("importance", pe.Importance, n.Importance)
			eq("sound", pe.Sound, n.Sound)
			eq("notify id", pe.NotifyID, n.NotifyID)
			eq("payload", pe.Payload, n.Payload)
			if pe.Click != nil {
				eq("click type", pe.Click.Type, n.Click.Type)
				eq("click target", pe.Click.Target, n.Click.Target)
				for _, k := range sortedKeys(pe.Click.Extras) {
					if got, ok := n.Click.Extras[k]; !ok || got != pe.Click.Extras[k] {
						failf("newest notification's click extra %q is %s, want %q", k, maybe(got, ok), pe.Click.Extras[k])
					}
				}
			}
			for _, k := range sortedKeys(pe.Extras) {
				if got, ok := n.Extras[k]; !ok || got != pe.Extras[k] {
					failf("newest notification's extra %q is %s, want %q", k, maybe(got, ok), pe.Extras[k])
				}
			}
		}
	}
	if pe.Badge != nil && sh.Device.Badge != *pe.Badge {
		failf("badge is %d, want %d", sh.Device.Badge, *pe.Badge)
	}
	if pe.Dropped != nil {
		if len(sh.Dropped) == 0 {
			failf("dropped nothing, want a drop by %s", *pe.Dropped)
		} else if got := sh.Dropped[len(sh.Dropped)-1]; got.Rule != *pe.Dropped {
			failf("newest drop is by %s (%s), want %s", got.Rule, got.Reason, *pe.Dropped)
		}
	}
	if pe.Because != nil && !r.explains(sh, *pe.Because) {
		failf("nothing says %s explains it; %s", *pe.Because, r.reasonsText(sh))
	}
	if pe.Inbox != nil && len(sh.Inbox) != *pe.Inbox {
		failf("app received %d pass-through message(s), want %d", len(sh.Inbox), *pe.Inbox)
	}
	if pe.Pending != nil && sh.Pending != *pe.Pending {
		failf("%d push(es) held for it, want %d", sh.Pending, *pe.Pending)
	}
	return msgs
}

// explains reports whether a rule is why a phone did not show something:
// one of its drops, or a ledger entry about the phone or its token.
func (r *runner) explains(sh world.Shade, rule string) bool {
	if slices.ContainsFunc(sh.Dropped, func(n world.Notification) bool { return n.Rule == rule }) {
		return true
	}
	for _, e := range r.srv.World.Ledger(world.Filter{Rule: rule}) {
		if e.Device == sh.Device.ID || slices.Contains(e.Tokens, sh.Device.Token) {
			return true
		}
	}
	return false
}

func (r *runner) reasonsText(sh world.Shade) string {
	var rs []string
	for _, n := range sh.Dropped {
		rs = append(rs, n.Rule)
	}
	for _, e := range r.srv.World.Ledger(world.Filter{}) {
		if e.Rule != "" && (e.Device == sh.Device.ID || slices.Contains(e.Tokens, sh.Device.Token)) && !slices.Contains(rs, e.Rule) {
			rs = append(rs, e.Rule)
		}
	}
	if len(rs) == 0 {
		return "no rule named this phone"
	}
	return "rules that named this phone: " + strings.Join(rs, ", ")
}

func shownText(ns []world.Notification) string {
	switch len(ns) {
	case 0:
		return "nothing"
	case 1:
		return fmt.Sprintf("1 notification (%q)", ns[0].Title)
	}
	return fmt.Sprintf("%d notifications (newest %q)", len(ns), ns[len(ns)-1].Title)
}

func droppedText(sh world.Shade) string {
	if len(sh.Dropped) == 0 {
		if sh.Pending > 0 {
			return fmt.Sprintf(" (%d held for it)", sh.Pending)
		}
		return ""
	}
	n := sh.Dropped[len(sh.Dropped)-1]
	return fmt.Sprintf(" (newest drop: %s: %s)", n.Rule, n.Reason)
}

// quoteCut quotes s, cutting a long one in the middle of the message.
func quoteCut(s string) string { return strconv.Quote(cut(s, 80)) }

func maybe(s string, ok bool) string {
	if !ok {
		return "absent"
	}
	return strconv.Quote(s)
}

func (r *runner) checkResponse(re *ResponseExpect) []string {
	resp := r.lastResponse
	if resp == nil {
		return []string{"no response to check (the request step did not complete)"}
	}
	var msgs []string
	failf := func(format string, a ...any) {
		msgs = append(msgs, fmt.Sprintf(format, a...)+"; response "+strconv.Itoa(resp.status)+" "+cut(string(resp.body), 300))
	}
	if re.Status != nil && resp.status != *re.Status {
		failf("status %d, want %d", resp.status, *re.Status)
	}
	if re.Code != nil {
		if got := vendorCode(resp.vendor, resp.body); got != string(*re.Code) {
			failf("vendor code %s, want %s", orNone(got), *re.Code)
		}
	}
	if re.JSON != nil {
		doc, ok := decodeJSON(resp.body)
		if !ok {
			failf("the body is not JSON")
		} else {
			for _, p := range sortedKeys(re.JSON) {
				want := re.JSON[p]
				got, found := lookup(doc, p)
				switch {
				case want == nil && found && got != nil:
					failf("%s is %s, want it absent", p, text(got))
				case want == nil:
				case !found:
					failf("%s is absent, want %s", p, yamlText(want))
				default:
					w := yamlText(want)
					if x, err := expand(w, r.exprEnv(resp.vendor, nil)); err == nil {
						w = x
					}
					if text(got) != w {
						failf("%s is %s, want %s", p, text(got), w)
					}
				}
			}
		}
	}
	for _, k := range sortedKeys(re.Headers) {
		if got := resp.header.Get(k); got != re.Headers[k] {
			failf("header %s is %q, want %q", http.CanonicalHeaderKey(k), got, re.Headers[k])
		}
	}
	if re.Contains != "" && !strings.Contains(string(resp.body), re.Contains) {
		failf("the body does not contain %q", re.Contains)
	}
	return msgs
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// yamlText renders an expected value from YAML the way text renders JSON.
func yamlText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case uint64, int64, int, bool:
		return fmt.Sprint(x)
	}
	return text(v)
}

func (r *runner) checkResult(key string, re ResultExpect) []string {
	pu := r.lastPush
	if pu == nil {
		return []string{"no push results to check (the push step did not complete)"}
	}
	token, ok := pu.tokens[key]
	if !ok {
		var err error
		if token, err = expand(key, r.exprEnv("", nil)); err != nil {
			return []string{err.Error()}
		}
	}
	i := slices.IndexFunc(pu.results, func(x push.Result) bool { return x.Token == token })
	if i < 0 {
		return []string{fmt.Sprintf("%s: the client returned no result for it (%d results)", key, len(pu.results))}
	}
	res := pu.results[i]
	var msgs []string
	failf := func(format string, a ...any) {
		msgs = append(msgs, key+": "+fmt.Sprintf(format, a...)+fmt.Sprintf(" (result: %s code %s: %s)", res.Kind, orNone(res.Code), res.Reason))
	}
	if re.Kind != nil && string(res.Kind) != *re.Kind {
		failf("kind %s, want %s", res.Kind, *re.Kind)
	}
	if re.Code != nil && res.Code != string(*re.Code) {
		failf("code %s, want %s", orNone(res.Code), *re.Code)
	}
	if re.Reason != nil && !strings.Contains(res.Reason, *re.Reason) {
		failf("reason does not contain %q", *re.Reason)
	}
	if re.InvalidToken != nil && res.InvalidToken != *re.InvalidToken {
		failf("invalid_token %v, want %v", res.InvalidToken, *re.InvalidToken)
	}
	return msgs
}

func (r *runner) checkOutcome(message, phone string, oe OutcomeExpect) []string {
	id := r.lastSend
	if message != "" {
		id = r.sends[message]
	}
	if id == "" || r.disp == nil {
		return []string{"no sent message to check (the send step did not complete)"}
	}
	os := r.disp.Outcomes(dispatcher.OutcomeFilter{MessageID: id, Device: phone})
	if len(os) == 0 {
		var all []string
		for _, o := range r.disp.Outcomes(dispatcher.OutcomeFilter{MessageID: id}) {
			all = append(all, outcomeText(o))
		}
		return []string{fmt.Sprintf("%s: no outcome for message %s (outcomes: %s)", phone, id, orNone(strings.Join(all, "; ")))}
	}
	var msgs []string
	if len(os) > 1 {
		msgs = append(msgs, fmt.Sprintf("%s: %d outcomes for one message, want exactly one", phone, len(os)))
	}
	o := os[len(os)-1]
	failf := func(format string, a ...any) {
		msgs = append(msgs, phone+": "+fmt.Sprintf(format, a...)+" (outcome: "+outcomeText(o)+")")
	}
	if oe.Kind != nil && string(o.Kind) != *oe.Kind {
		failf("kind %s, want %s", o.Kind, *oe.Kind)
	}
	if oe.Code != nil && o.Code != string(*oe.Code) {
		failf("code %s, want %s", orNone(o.Code), *oe.Code)
	}
	if oe.Rule != nil && o.Rule != *oe.Rule {
		failf("rule %s, want %s", orNone(o.Rule), *oe.Rule)
	}
	if oe.Reason != nil && !strings.Contains(o.Reason, *oe.Reason) {
		failf("reason does not contain %q", *oe.Reason)
	}
	if oe.Attempts != nil && o.Attempts != *oe.Attempts {
		failf("%d attempts, want %d", o.Attempts, *oe.Attempts)
	}
	if oe.Badge != nil && o.Badge != *oe.Badge {
		failf("badge %d, want %d", o.Badge, *oe.Badge)
	}
	return msgs
}

func (r *runner) checkLedger(le LedgerExpect) string {
	var device, token string
	if le.Phone != "" {
		p := r.phones[le.Phone]
		device = p.device.ID
		if d, ok := r.srv.World.Device(r.phoneID(le.Phone)); ok {
			token = d.Token
		}
	}
	entries := r.srv.World.Ledger(world.Filter{Vendor: le.Vendor, App: le.App, Verdict: le.Verdict, Kind: le.Kind, Rule: le.Rule})
	n := 0
	for _, e := range entries {
		if le.Code != nil && e.Code != string(*le.Code) {
			continue
		}
		if le.Reason != "" && !strings.Contains(e.Reason, le.Reason) {
			continue
		}
		if le.Path != "" && !globMatch(le.Path, e.Path) {
			continue
		}
		if le.Phone != "" && e.Device != device && !slices.Contains(e.Tokens, token) {
			continue
		}
		n++
	}
	want := ledgerText(le)
	switch {
	case le.Count != nil && n != *le.Count:
		return fmt.Sprintf("ledger has %d %s, want %d%s", n, want, *le.Count, r.ledgerSummary())
	case le.Count == nil && n == 0:
		return fmt.Sprintf("ledger has no %s%s", want, r.ledgerSummary())
	}
	return ""
}

func ledgerText(le LedgerExpect) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("kind", le.Kind)
	add("vendor", le.Vendor)
	add("app", le.App)
	add("phone", le.Phone)
	add("verdict", le.Verdict)
	if le.Code != nil {
		add("code", string(*le.Code))
	}
	add("rule", le.Rule)
	add("reason", le.Reason)
	add("path", le.Path)
	if len(parts) == 0 {
		return "entries"
	}
	return "entries with " + strings.Join(parts, " ")
}

func (r *runner) ledgerSummary() string {
	entries := r.srv.World.Ledger(world.Filter{})
	if len(entries) == 0 {
		return " (the ledger is empty)"
	}
	var lines []string
	for _, e := range entries[max(0, len(entries)-8):] {
		s := e.Kind + " " + e.Verdict
		if e.Code != "" {
			s += " " + e.Code
		}
		if e.Rule != "" {
			s += " " + e.Rule
		}
		lines = append(lines, s)
	}
	return " (ledger: " + strings.Join(lines, "; ") + ")"
}
