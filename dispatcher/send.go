package dispatcher

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
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
	users := recipients(m)
	outs := make([]Outcome, 0, len(users))
	var targets []target
	now := d.now()
	// The message is unread on every background device whether it is
	// pushed or not: NoteMessage counts it toward the next badge.
	err := d.store.NoteMessage(users, func(dv *Device) {
		o := Outcome{MessageID: m.ID, User: dv.User, Device: dv.Device, BusinessID: dv.BusinessID, Token: dv.Token, At: now}
		e := d.certs[dv.BusinessID]
		if e != nil {
			o.Vendor = e.cert.Vendor
		}
		switch {
		case dv.State == LoggedOut:
			o.Kind, o.Reason, o.Rule = push.Suppressed, ReasonLoggedOut, RuleLogout
		case dv.State == Kicked:
			o.Kind, o.Reason, o.Rule = push.Suppressed, ReasonKicked, RuleKick
		case dv.State != Background:
			o.Kind, o.Reason, o.Rule = push.Suppressed, ReasonForeground, RuleForeground
		case m.Disable:
			o.Kind, o.Reason, o.Rule = push.Suppressed, ReasonDisabled, RuleDisable
		case m.Type == TypeCustom && m.Desc == "":
			o.Kind, o.Reason, o.Rule = push.Suppressed, ReasonCustomNoDesc, RuleCustomNeedsDesc
		case dv.Token == "" || e == nil:
			o.Kind, o.Reason, o.Rule = push.Suppressed, ReasonNoToken, RuleNoToken
		default:
			if targets == nil {
				targets = make([]target, 0, len(users))
			}
			o.Badge = dv.Unread + dv.Since
			targets = append(targets, target{out: len(outs), cert: e, token: dv.Token, badge: o.Badge})
		}
		outs = append(outs, o)
	})
	if err != nil {
		return nil, nil, err
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
	// The title is the first of these with something to show once shaped
	// (im.content.no-avoidable-filter): the message's own, then the
	// group's name or id (im.title.default-group) or the sender's
	// nickname or id (im.title.default-sender).
	candidates := [3]string{m.Title, m.FromName, m.From}
	if m.Group != "" {
		candidates[1], candidates[2] = m.GroupName, m.Group
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
		Title:    d.shapeTitle(lim, candidates[:]...), // im.message.truncate, im.content.no-avoidable-filter
		Body:     d.shapeBody(lim, body),
		Ext:      m.Ext, // im.ext.round-trip: untouched
		Channel:  e.cert.Channel,
		Class:    e.cert.Class,
		Category: e.cert.Category,
		Sound:    e.cert.Sound,
		Click:    e.cert.Click, // im.cert.click-action
		NotifyID: m.ID,
	}
	if d.perConv {
		if m.Group != "" {
			p.NotifyID = "group:" + m.Group
		} else {
			p.NotifyID = "c2c:" + m.From
		}
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
	outs   []int // outcome index of each token
}

// deliver batches the targets per certificate (and badge, where the vendor
// sets one), sends the batches with bounded concurrency and fills in the
// targets' outcomes.
func (d *Dispatcher) deliver(ctx context.Context, m *Message, outs []Outcome, targets []target) {
	if len(targets) == 0 {
		return
	}
	// Group without copying: a stable sort keeps recipient order inside a
	// group, so batches (and the outcome ledger) are reproducible.
	slices.SortStableFunc(targets, func(a, b target) int {
		if c := cmp.Compare(a.cert.cert.BusinessID, b.cert.cert.BusinessID); c != 0 {
			return c
		}
		return cmp.Compare(a.groupBadge(), b.groupBadge())
	})
	var (
		jobs []*job
		base = map[int]push.Push{}
	)
	for start := 0; start < len(targets); {
		e := targets[start].cert
		end := start + 1
		for end < len(targets) && targets[end].cert == e && targets[end].groupBadge() == targets[start].groupBadge() &&
			end-start < max(e.limits.Batch, 1) {
			end++
		}
		p, ok := base[e.cert.BusinessID]
		if !ok {
			p = d.notification(m, e)
			base[e.cert.BusinessID] = p
		}
		p.Badge = targets[start].groupBadge()
		j := &job{cert: e, push: p, tokens: make([]string, end-start), outs: make([]int, end-start)}
		for i, t := range targets[start:end] {
			j.tokens[i], j.outs[i] = t.token, t.out
		}
		jobs = append(jobs, j)
		start = end
	}
	if len(jobs) == 1 {
		d.run(ctx, jobs[0], outs)
		return
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

// groupBadge is the badge a target's batch carries: its own where the
// vendor sets one, else 0 so that every device shares one batch.
func (t *target) groupBadge() int {
	if t.cert.limits.Badge {
		return t.badge
	}
	return 0
}

// run sends one batch, retrying its retryable tokens, and writes the
// outcomes. Each job owns distinct outcome indexes, so no lock is needed.
func (d *Dispatcher) run(ctx context.Context, j *job, outs []Outcome) {
	ends := d.attempt(ctx, j)
	at := d.now()
	for i, tok := range j.tokens {
		f := &ends[i]
		o := &outs[j.outs[i]]
		o.Kind, o.Code, o.Reason, o.Attempts, o.At = f.r.Kind, f.r.Code, f.r.Reason, f.attempts, at
		switch f.r.Kind {
		case push.Sent:
			o.VendorMessageID = f.r.MessageID
		case push.OverQuota:
			o.Rule = RuleQuotaNoRetry
		case push.Failed:
			o.Rule = RuleRetryBackoff
		}
		if f.circuit { // paused by the vendor's circuit, or refused by it
			o.Rule = RuleCircuit
			if f.r.Kind == push.Sent {
				o.Reason = "sent after the " + j.cert.cert.Vendor + " circuit breaker paused it"
			}
		}
		if f.r.InvalidToken {
			o.Rule = RuleInvalidToken
			// A failing store only leaves a dead token behind; the next
			// answer will name it again.
			_, _ = d.store.RemoveToken(o.User, o.Device, o.BusinessID, tok)
		}
	}
}

// final is how one token ended.
type final struct {
	r        push.Result
	attempts int
	circuit  bool // the vendor's circuit paused or refused it
}

// attempt runs the retry loop of one batch: paced calls, exponential
// backoff with seeded jitter, Retry-After honoured up to MaxDelay, at most
// MaxAttempts calls within MaxTotal. Every call carries the same Push (and
// so the same Push.ID, from which clients derive idempotency keys). It
// returns one final per job token, in job order.
func (d *Dispatcher) attempt(ctx context.Context, j *job) []final {
	ends := make([]final, len(j.tokens))
	pos := make(map[string]int, len(j.tokens)) // token → first index
	for i, t := range j.tokens {
		if _, dup := pos[t]; !dup {
			pos[t] = i
		}
	}
	pending := j.tokens
	start := d.now()
	deadline := start.Add(d.retry.MaxTotal)
	var (
		answered []bool
		paused   bool
	)
	for n := 1; ; n++ {
		if j.cert.pace != nil {
			if err := j.cert.pace.wait(ctx); err != nil {
				failAll(ends, pos, pending, n-1, "", "abandoned while pacing: "+err.Error())
				break
			}
		}
		probe, waited, err := j.cert.circuit.admit(ctx, deadline)
		paused = paused || waited
		if err != nil {
			failAll(ends, pos, pending, n-1, "circuit-open", err.Error())
			for _, t := range pending {
				ends[pos[t]].circuit = true
			}
			break
		}
		// Clients bound each HTTP call; this bounds the whole Send (auth,
		// push, one re-auth) for a client that would not.
		callCtx, cancel := context.WithTimeout(ctx, d.sendTimeout)
		results := j.cert.client.Send(callCtx, j.push, pending)
		cancel()
		j.cert.circuit.done(probe, allRetryable(results))
		if answered == nil {
			answered = make([]bool, len(j.tokens))
		} else {
			clear(answered)
		}
		var (
			retry      []string
			retryAfter time.Duration
			last       push.Result
		)
		for _, r := range results {
			i, ok := pos[r.Token]
			if !ok || answered[i] {
				continue // not asked for, or answered twice: first answer wins
			}
			answered[i] = true
			switch r.Kind {
			case push.Retryable:
				retry = append(retry, r.Token)
				retryAfter = max(retryAfter, r.RetryAfter)
				last = r
			case push.Sent, push.Rejected, push.OverQuota, push.Failed:
			default:
				r = push.Result{Token: r.Token, Kind: push.Failed, Code: r.Code, Reason: fmt.Sprintf("client answered kind %q: %s", r.Kind, r.Reason)}
			}
			ends[i] = final{r: r, attempts: n, circuit: paused && r.Kind == push.Sent}
		}
		for _, t := range pending {
			if i := pos[t]; !answered[i] {
				answered[i] = true
				ends[i] = final{r: push.Result{Token: t, Kind: push.Failed, Reason: "the " + j.cert.cert.Vendor + " client returned no result for this token"}, attempts: n}
			}
		}
		if len(retry) == 0 {
			break
		}
		wait := d.backoff(j, n, retryAfter)
		if n >= d.retry.MaxAttempts {
			failAll(ends, pos, retry, n, last.Code, fmt.Sprintf("gave up after %d attempts: %s", n, last.Reason))
			break
		}
		if d.now().Sub(start)+wait > d.retry.MaxTotal {
			failAll(ends, pos, retry, n, last.Code, fmt.Sprintf("gave up after %d attempts (retry budget %s spent): %s", n, d.retry.MaxTotal, last.Reason))
			break
		}
		if err := ctx.Err(); err != nil {
			failAll(ends, pos, retry, n, last.Code, "abandoned: "+err.Error()+": "+last.Reason)
			break
		}
		if err := d.sleep(ctx, wait); err != nil {
			failAll(ends, pos, retry, n, last.Code, "abandoned: "+err.Error()+": "+last.Reason)
			break
		}
		pending = retry
	}
	for i, t := range j.tokens { // duplicate tokens share the first one's end
		if p := pos[t]; p != i {
			ends[i] = ends[p]
		}
	}
	return ends
}

func failAll(ends []final, pos map[string]int, tokens []string, attempts int, code, reason string) {
	for _, t := range tokens {
		ends[pos[t]] = final{r: push.Result{Token: t, Kind: push.Failed, Code: code, Reason: reason}, attempts: attempts}
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
