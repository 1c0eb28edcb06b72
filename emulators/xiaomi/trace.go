package xiaomi

import (
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Message status (vendor-facts §1.1 table, "status/stats (GET)"): GET
// /v1/trace/message/status?msg_id=<id> (or job_key=<jobkey>, a batch), as
// the Java SDK's Tracer.getMessageStatus asks (S-X1). The answer's shape is
// the one Go clients decode (yilee/xiaomi-push SingleStatusResult, S-X7):
// data.data {id, create_time, create_timestamp, time_to_live, msg_type,
// resolved, delivered, delivery_rate, click, click_rate}. The facts give no
// values, so these are the emulator's own (inferred): resolved = phones the
// message was addressed to, delivered = those that showed it or handed it
// to the app (a phone offline at send time counts once it got it),
// msg_type = REGID, ALIAS, TOPIC or ALL, time_to_live in milliseconds, rates
// as "50.00%", click 0 (taps are not counted).
//
// The emulator remembers as many of the newest messages as the world's
// ledger keeps requests (at most traceCap), and per message at most
// traceHeldLimit offline phones to look at again; an older or unknown id is
// 65028 (message not found). Knobs (inferred; §1.4 names the codes,
// not when): App.Settings trace_forbidden=true answers 10038 (the app may
// not read trace data), App.Quotas trace_qps (0, the default: no limit)
// limits the calls per second → 10039.

// Codes of the message status API (vendor-facts §1.4 table; the Chinese
// descriptions are our wording, inferred).
const (
	codeTraceForbidden = 10038 // stats/trace access forbidden
	codeTraceOften     = 10039 // stats/trace too frequent
	codeMsgNotFound    = 65028 // message not found
	descTraceForbidden = "应用无权访问统计或追踪数据"
	descTraceOften     = "访问统计或追踪数据太频繁"
	descMsgNotFound    = "消息不存在"
)

const (
	traceCap       = 4096 // messages remembered, at most
	traceHeldLimit = 256  // held phones remembered per message
)

// traceRecord is what the emulator knows of one accepted message.
type traceRecord struct {
	id, app, kind, jobKey string
	at                    time.Time
	ttl                   time.Duration
	resolved, delivered   int
	held                  []string // phones it waited for (offline), to look again when asked
}

// count notes what Deliver did with the message on one phone.
func (t *traceRecord) count(deviceID string, d world.Delivery) {
	switch {
	case d.Held:
		if len(t.held) < traceHeldLimit {
			t.held = append(t.held, deviceID)
		}
	case d.Rule == "":
		t.delivered++ // shown, or a pass-through handed to the app
	}
}

// traceTable is a ring of the newest records; a lookup walks it (a status
// call is rare, a send is not: no index to keep up on the send path).
type traceTable struct {
	mu      sync.Mutex
	records []traceRecord
	next    int
}

// add keeps a record, replacing the oldest once limit are kept.
func (tt *traceTable) add(t *traceRecord, limit int) {
	tt.mu.Lock()
	if len(tt.records) < limit {
		tt.records = append(tt.records, *t)
	} else if limit > 0 {
		tt.next %= len(tt.records)
		tt.records[tt.next] = *t
		tt.next++
	}
	tt.mu.Unlock()
}

// traceLimit is how many messages the emulator remembers: as many as the
// world's ledger keeps requests, at most traceCap.
func (e *Emulator) traceLimit() int {
	if n := e.w.Options().LedgerCap; n > 0 && n < traceCap {
		return n
	}
	return traceCap
}

// find returns copies of an app's records with that message id (or, for a
// job key, of that batch).
func (tt *traceTable) find(app, msgID, jobKey string) []traceRecord {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	var out []traceRecord
	for i := range tt.records {
		r := &tt.records[i]
		if r.app == app && (msgID != "" && r.id == msgID || msgID == "" && jobKey != "" && r.jobKey == jobKey) {
			c := *r
			c.held = append([]string(nil), r.held...)
			out = append(out, c)
		}
	}
	return out
}

// messageStatus is the work of GET /v1/trace/message/status (api.go).
func (c *call) messageStatus(out *[]byte) (rejection, func(uint64)) {
	if c.app.Setting("trace_forbidden", "") == "true" {
		return rejection{codeTraceForbidden, "The app may not access trace data.", ruleTrace}, nil
	}
	if lim := c.app.Quota("trace_qps", 0); lim > 0 &&
		!c.e.w.Quotas().TakeRate(vendorName+"/"+c.app.Name+"/trace", lim, time.Second, c.now) {
		return rejection{codeTraceOften, "Trace data accessed too frequently, at most " + itoa(lim) + " per second.", ruleTrace}, nil
	}
	msgID, jobKey := c.f.msgID, c.f.jobKey
	if msgID == "" && jobKey == "" {
		return rejection{codeMissingParam, "Missing required parameter: msg_id.", ruleTrace}, nil
	}
	records := c.e.traces.find(c.app.Name, msgID, jobKey)
	if len(records) == 0 {
		return rejection{codeMsgNotFound, "Message not found: " + truncate(msgID+jobKey, 40) + ".", ruleTrace}, nil
	}
	st := messageStatus{ID: msgID, MsgType: records[0].kind}
	if msgID == "" {
		st.ID = jobKey
	}
	for _, r := range records {
		delivered := r.delivered
		for _, id := range r.held {
			if c.shownOn(id, r.id) {
				delivered++
			}
		}
		st.Resolved += r.resolved
		st.Delivered += delivered
		st.CreateTimestamp = r.at.UnixMilli()
		st.CreateTime = r.at.In(world.Shanghai).Format(time.DateTime)
		st.TimeToLive = strconv.FormatInt(r.ttl.Milliseconds(), 10)
	}
	st.DeliveryRate = rate(st.Delivered, st.Resolved)
	st.ClickRate = rate(0, st.Resolved)
	trace, _ := c.e.newIDs('s')
	body, _ := json.Marshal(statusAnswer{Result: "ok", TraceID: trace, Code: 0, Data: statusData{Data: st}, Description: descSuccess})
	*out = append(*out, body...)
	c.accepted(ruleTrace, "status of "+truncate(st.ID, 40)+": "+itoa(st.Delivered)+" of "+itoa(st.Resolved)+" delivered")
	return rejection{}, nil
}

// shownOn reports whether a phone shows the message, or its app got it.
func (c *call) shownOn(deviceID, msgID string) bool {
	s, err := c.e.w.Shade(deviceID)
	if err != nil {
		return false
	}
	for _, list := range [...][]world.Notification{s.Shown, s.Inbox} {
		for _, n := range list {
			if n.MessageID == msgID {
				return true
			}
		}
	}
	return false
}

func rate(n, of int) string {
	if of == 0 {
		return "0.00%"
	}
	return strconv.FormatFloat(100*float64(n)/float64(of), 'f', 2, 64) + "%"
}

type statusAnswer struct {
	Result      string     `json:"result"`
	TraceID     string     `json:"trace_id"`
	Code        int        `json:"code"`
	Data        statusData `json:"data"`
	Description string     `json:"description"`
}

type statusData struct {
	Data messageStatus `json:"data"`
}

type messageStatus struct {
	ID              string `json:"id"`
	CreateTime      string `json:"create_time"`
	CreateTimestamp int64  `json:"create_timestamp"`
	TimeToLive      string `json:"time_to_live"`
	MsgType         string `json:"msg_type"`
	Resolved        int    `json:"resolved"`
	Delivered       int    `json:"delivered"`
	DeliveryRate    string `json:"delivery_rate"`
	Click           int    `json:"click"`
	ClickRate       string `json:"click_rate"`
}
