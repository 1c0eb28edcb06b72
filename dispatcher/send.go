package dispatcher

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Send decides and delivers one IM message to every device of its
// recipients (the receiver, or every group member but the sender) and
// returns once each (message, device) has its outcome recorded. It returns
// an error only for a message it cannot take (ErrInvalid,
// ErrDuplicateMessage) or a store failure; vendor failures are outcomes.
func (d *Dispatcher) Send(ctx context.Context, m Message) (string, error) {
	if err := d.checkMessage(&m); err != nil {
		return "", err
	}
	if m.ID == "" {
		m.ID = d.newMessageID()
	}
	fresh, err := d.store.ClaimMessage(m.ID)
	if err != nil {
		return "", err
	}
	if !fresh {
		return "", fmt.Errorf("%w: %s", ErrDuplicateMessage, m.ID)
	}
	outs, targets, err := d.decide(&m)
	if err != nil {
		return m.ID, err
	}
	d.deliver(ctx, &m, outs, targets)
	if err := d.store.AddOutcomes(outs); err != nil {
		return m.ID, err
	}
	return m.ID, nil
}

func (d *Dispatcher) checkMessage(m *Message) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if m.ID != "" {
		if len(m.ID) > 64 {
			return bad("id is longer than 64 bytes")
		}
		for i := 0; i < len(m.ID); i++ {
			c := m.ID[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-' || c == '_' || c == '.' || c == ':') {
				return bad("id may only hold letters, digits and - _ . :")
			}
		}
	}
	if err := checkID("from", m.From); err != nil {
		return err
	}
	switch {
	case m.To != "" && m.Group != "":
		return bad("a message goes to a user (to) or a group (group), not both")
	case m.To == "" && m.Group == "":
		return bad("to or group is required")
	case m.Group != "" && len(m.Members) == 0:
		return bad("a group message needs its members")
	}
	switch m.Type {
	case "":
		m.Type = TypeText
	case TypeText, TypeImage, TypeVoice, TypeFile, TypeVideo, TypeCustom:
	default:
		return bad("unknown type %q (want text, image, voice, file, video or custom)", m.Type)
	}
	return nil
}

// target is one device that gets a vendor push.
type target struct {
	out   int // index into the outcomes
	cert  *certEntry
	token string
	badge int
}

// decide gives every (message, device) either a final suppressed outcome or
// a target; outs holds one outcome per device in recipient order.
func (d *Dispatcher) decide(m *Message) ([]Outcome, []target, error) {
	var (
		outs    []Outcome
		targets []target
	)
	now := d.now()
	for _, user := range recipients(m) {
		devices, err := d.store.Devices(user)
		if err != nil {
			return nil, nil, err
		}
		for _, dv := range devices {
			if dv.State == Background {
				// The message is unread on this device whether it is
				// pushed or not: it counts toward the next badge.
				dv, err = d.store.UpdateDevice(user, dv.Device, func(x *Device, _ bool) error {
					if x.State == Background {
						x.Since++
					}
					return nil
				})
				if err != nil {
					return nil, nil, err
				}
			}
			o := Outcome{MessageID: m.ID, User: user, Device: dv.Device, BusinessID: dv.BusinessID, Token: dv.Token, At: now}
			if e := d.certs[dv.BusinessID]; e != nil {
				o.Vendor = e.cert.Vendor
			}
			suppress := func(reason, rule string) {
				o.Kind, o.Reason, o.Rule = push.Suppressed, reason, rule
			}
			switch {
			case dv.State == LoggedOut:
				suppress(ReasonLoggedOut, RuleLogout)
			case dv.State == Kicked:
				suppress(ReasonKicked, RuleKick)
			case dv.State != Background:
				suppress(ReasonForeground, RuleForeground)
			case m.Disable:
				suppress(ReasonDisabled, RuleDisable)
			case m.Type == TypeCustom && m.Desc == "":
				suppress(ReasonCustomNoDesc, RuleCustomNeedsDesc)
			case dv.Token == "" || d.certs[dv.BusinessID] == nil:
				suppress(ReasonNoToken, RuleNoToken)
			default:
				targets = append(targets, target{
					out: len(outs), cert: d.certs[dv.BusinessID], token: dv.Token, badge: dv.Unread + dv.Since,
				})
			}
			outs = append(outs, o)
		}
	}
	return outs, targets, nil
}

// recipients is the receiver of a 1:1 message, or the group's members
// without the sender, each once, in the order given.
func recipients(m *Message) []string {
	if m.Group == "" {
		return []string{m.To}
	}
	seen := make(map[string]struct{}, len(m.Members))
	out := make([]string, 0, len(m.Members))
	for _, u := range m.Members {
		if u == m.From || u == "" {
			continue
		}
		if _, dup := seen[u]; dup {
			continue
		}
		seen[u] = struct{}{}
		out = append(out, u)
	}
	return out
}

// notification builds the vendor-neutral push of m for one certificate
// (before the per-device badge).
func (d *Dispatcher) notification(m *Message, e *certEntry) push.Push {
	title := m.Title
	if title == "" {
		if m.Group != "" { // im.title.default-group
			title = firstNonEmpty(m.GroupName, m.Group)
		} else { // im.title.default-sender
			title = firstNonEmpty(m.FromName, m.From)
		}
	}
	body := m.Desc
	if body == "" {
		switch m.Type {
		case TypeText:
			body = m.Text
		default: // im.message.placeholder
			body = d.placeholder[m.Type]
		}
	}
	lim := e.limits
	p := push.Push{
		ID:       m.ID,
		Title:    Truncate(title, lim.Title),
		Body:     Truncate(body, lim.Body),
		Ext:      m.Ext, // im.ext.round-trip: untouched
		Channel:  e.cert.Channel,
		Class:    e.cert.Class,
		Category: e.cert.Category,
		Sound:    e.cert.Sound,
		Click:    e.cert.Click, // im.cert.click-action
	}
	if p.Click.Type == "" {
		p.Click.Type = "launcher"
	}
	if m.Sound != "" && lim.Sound { // im.sound.override
		p.Sound = m.Sound
	}
	if e.cert.Vendor == "oppo" && m.OPPOChannel != nil { // im.oppo.channel-override
		p.Channel = *m.OPPOChannel
		p.NoChannel = p.Channel == ""
	}
	return p
}

// job is one vendor request's worth of devices.
type job struct {
	cert   *certEntry
	push   push.Push
	tokens []string
	outs   map[string][]int // token → outcome indexes
}

// deliver batches the targets per certificate (and badge, where the vendor
// sets one), sends the batches with bounded concurrency and fills in the
// targets' outcomes.
func (d *Dispatcher) deliver(ctx context.Context, m *Message, outs []Outcome, targets []target) {
	if len(targets) == 0 {
		return
	}
	type groupKey struct{ bid, badge int }
	var (
		order  []groupKey
		groups = map[groupKey][]target{}
		base   = map[int]push.Push{}
	)
	for _, t := range targets {
		k := groupKey{bid: t.cert.cert.BusinessID}
		if t.cert.limits.Badge {
			k.badge = t.badge
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], t)
	}
	var jobs []*job
	for _, k := range order {
		g := groups[k]
		e := g[0].cert
		p, ok := base[k.bid]
		if !ok {
			p = d.notification(m, e)
			base[k.bid] = p
		}
		p.Badge = g[0].badge
		if !e.limits.Badge {
			p.Badge = 0
		}
		size := max(e.limits.Batch, 1)
		var cur *job
		for _, t := range g {
			if cur == nil || len(cur.tokens) == size {
				cur = &job{cert: e, push: p, outs: map[string][]int{}}
				jobs = append(jobs, cur)
			}
			if _, dup := cur.outs[t.token]; !dup {
				cur.tokens = append(cur.tokens, t.token)
			}
			cur.outs[t.token] = append(cur.outs[t.token], t.out)
			outs[t.out].Badge = t.badge
		}
	}
	work := make(chan *job)
	var wg sync.WaitGroup
	for range min(d.workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				d.run(ctx, j, outs)
			}
		}()
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
}

// final is how one token ended.
type final struct {
	r        push.Result
	attempts int
}

// run sends one batch, retrying its retryable tokens, and writes the
// outcomes. Each job owns distinct outcome indexes, so no lock is needed.
func (d *Dispatcher) run(ctx context.Context, j *job, outs []Outcome) {
	ends := d.attempt(ctx, j)
	for tok, idxs := range j.outs {
		f := ends[tok]
		for _, i := range idxs {
			o := &outs[i]
			o.Kind, o.Code, o.Reason, o.Attempts = f.r.Kind, f.r.Code, f.r.Reason, f.attempts
			o.At = d.now()
			switch f.r.Kind {
			case push.Sent:
				o.VendorMessageID = f.r.MessageID
				o.Rule = ""
			case push.OverQuota:
				o.Rule = RuleQuotaNoRetry
			case push.Failed:
				o.Rule = RuleRetryBackoff
			}
			if f.r.InvalidToken {
				o.Rule = RuleInvalidToken
				// A failing store only leaves a dead token behind; the
				// next answer will name it again.
				_, _ = d.store.RemoveToken(o.User, o.Device, o.BusinessID, tok)
			}
		}
	}
}

// attempt runs the retry loop of one batch: paced calls, exponential
// backoff with seeded jitter, Retry-After honoured up to MaxDelay, at most
// MaxAttempts calls within MaxTotal. Every call carries the same Push (and
// so the same Push.ID, from which clients derive idempotency keys).
func (d *Dispatcher) attempt(ctx context.Context, j *job) map[string]final {
	ends := make(map[string]final, len(j.tokens))
	pending := j.tokens
	start := d.now()
	for n := 1; ; n++ {
		if j.cert.pace != nil {
			if err := j.cert.pace.wait(ctx); err != nil {
				failAll(ends, pending, n-1, "", "abandoned while pacing: "+err.Error())
				return ends
			}
		}
		results := j.cert.client.Send(ctx, j.push, pending)
		byToken := make(map[string]push.Result, len(results))
		for _, r := range results {
			if _, dup := byToken[r.Token]; !dup {
				byToken[r.Token] = r
			}
		}
		var (
			retry      []string
			retryAfter time.Duration
			last       push.Result
		)
		for _, tok := range pending {
			r, ok := byToken[tok]
			switch {
			case !ok:
				r = push.Result{Token: tok, Kind: push.Failed, Reason: "the " + j.cert.cert.Vendor + " client returned no result for this token"}
			case r.Kind == push.Retryable:
				retry = append(retry, tok)
				retryAfter = max(retryAfter, r.RetryAfter)
				last = r
				ends[tok] = final{r: r, attempts: n}
				continue
			case r.Kind != push.Sent && r.Kind != push.Rejected && r.Kind != push.OverQuota && r.Kind != push.Failed:
				r = push.Result{Token: tok, Kind: push.Failed, Code: r.Code, Reason: fmt.Sprintf("client answered kind %q: %s", r.Kind, r.Reason)}
			}
			ends[tok] = final{r: r, attempts: n}
		}
		if len(retry) == 0 {
			return ends
		}
		wait := d.backoff(j, n, retryAfter)
		switch {
		case n >= d.retry.MaxAttempts:
			failAll(ends, retry, n, last.Code, fmt.Sprintf("gave up after %d attempts: %s", n, last.Reason))
			return ends
		case d.now().Sub(start)+wait > d.retry.MaxTotal:
			failAll(ends, retry, n, last.Code, fmt.Sprintf("gave up after %d attempts (retry budget %s spent): %s", n, d.retry.MaxTotal, last.Reason))
			return ends
		case ctx.Err() != nil:
			failAll(ends, retry, n, last.Code, "abandoned: "+ctx.Err().Error()+": "+last.Reason)
			return ends
		}
		if err := d.sleep(ctx, wait); err != nil {
			failAll(ends, retry, n, last.Code, "abandoned: "+err.Error()+": "+last.Reason)
			return ends
		}
		pending = retry
	}
}

func failAll(ends map[string]final, tokens []string, attempts int, code, reason string) {
	for _, t := range tokens {
		ends[t] = final{r: push.Result{Token: t, Kind: push.Failed, Code: code, Reason: reason}, attempts: attempts}
	}
}

// backoff is the wait before call n+1: BaseDelay·2^(n-1) capped at
// MaxDelay, spread by ±Jitter with a value drawn from (seed, push id,
// batch, n) so that a run is reproducible whatever the goroutine order; a
// longer Retry-After (clamped to MaxDelay) wins.
func (d *Dispatcher) backoff(j *job, n int, retryAfter time.Duration) time.Duration {
	r := d.retry
	w := float64(r.BaseDelay) * math.Pow(2, float64(n-1))
	if w > float64(r.MaxDelay) {
		w = float64(r.MaxDelay)
	}
	if r.Jitter > 0 {
		u := unit(d.seed, j.push.ID, j.tokens[0], uint64(n))
		w *= 1 + r.Jitter*(2*u-1)
	}
	wait := min(time.Duration(w), r.MaxDelay)
	if retryAfter > 0 {
		wait = max(wait, min(retryAfter, r.MaxDelay))
	}
	return wait
}

// unit hashes its inputs to a number in [0, 1).
func unit(seed uint64, a, b string, n uint64) float64 {
	h := seed ^ 0xcbf29ce484222325
	for _, s := range [2]string{a, b} {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 0x100000001b3
		}
		h ^= 0xff
		h *= 0x100000001b3
	}
	h ^= n
	// splitmix64 finaliser
	h += 0x9e3779b97f4a7c15
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
	h = (h ^ (h >> 27)) * 0x94d049bb133111eb
	h ^= h >> 31
	return float64(h>>11) / (1 << 53)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
