package fcm

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// The Instance ID server API's topic management, which the Admin SDKs'
// SubscribeToTopic and UnsubscribeFromTopic call (firebase-admin-go
// messaging/topic_mgt.go, hard-coded to https://iid.googleapis.com/iid/v1):
//
//	POST /iid/v1:batchAdd     {"to": "/topics/news", "registration_tokens": ["…", …]}
//	POST /iid/v1:batchRemove  (same body)
//	Authorization: Bearer <access token>, access_token_auth: true
//
// The answer is 200 {"results": [{}, {"error": "NOT_FOUND"}, …]}, one result
// per token in order; the Instance ID reference names the per-token errors
// NOT_FOUND (deleted token or uninstalled app), INVALID_ARGUMENT (not a
// token of this sender), INTERNAL, TOO_MANY_TOPICS and RESOURCE_EXHAUSTED
// (too many (un)subscriptions in a short time). A request it cannot take is
// a non-200 with {"error": "<reason>"}, which the SDKs read
// (handleIIDError); the reason strings for those are not documented, so the
// emulator sends the canonical code of the status [inferred].

// IIDHost serves the Instance ID API.
const IIDHost = "iid.googleapis.com"

const (
	maxIIDTokens            = 1000 // registration_tokens per request (the SDKs refuse more)
	defTopicManagePerSecond = 3000 // vendor-facts §3.5: 3000 QPS per project
)

// Per-token results of the Instance ID API.
const (
	iidNotFound     = "NOT_FOUND"
	iidInvalid      = "INVALID_ARGUMENT"
	iidTooMany      = "TOO_MANY_TOPICS"
	iidExhausted    = "RESOURCE_EXHAUSTED"
	iidInternal     = "INTERNAL"
	iidUnauth       = "UNAUTHENTICATED"
	iidDenied       = "PERMISSION_DENIED"
	iidTokenAuthHdr = "access_token_auth"
)

type iidRequest struct {
	To     *string  `json:"to"`
	Tokens []string `json:"registration_tokens"`
}

// iidBatch serves batchAdd (add) and batchRemove.
func (e *Emulator) iidBatch(add bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		now := e.w.Now()
		entry := world.Entry{Kind: world.KindRequest, Vendor: Vendor, Method: r.Method, Path: r.URL.Path, At: now}
		status, reason := e.iidServe(w, r, add, now, &entry)
		if status == http.StatusOK {
			return
		}
		b := []byte(`{"error":"` + reason + `"}`)
		entry.Status, entry.Verdict, entry.Code, entry.Response = status, world.VerdictRejected, reason, string(b)
		e.w.Record(entry)
		h := w.Header()
		h["Content-Type"] = hdrJSON
		if status == http.StatusUnauthorized {
			h.Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/"`)
		}
		w.WriteHeader(status)
		_, _ = w.Write(b)
	}
}

// iidServe answers and records a request it takes (200), or returns the
// status and error reason to answer, with the ledger's rule and reason set.
func (e *Emulator) iidServe(w http.ResponseWriter, r *http.Request, add bool, now time.Time, entry *world.Entry) (int, string) {
	refuse := func(status int, code, rule, why string) (int, string) {
		entry.Rule, entry.Reason = rule, why
		return status, code
	}
	if r.Method != http.MethodPost {
		return refuse(http.StatusNotFound, iidNotFound, RuleTopicManage, r.Method+" is not a method of "+r.URL.Path)
	}
	if !strings.EqualFold(strings.TrimSpace(r.Header.Get(iidTokenAuthHdr)), "true") {
		// Without it the Instance ID service reads Authorization as a
		// legacy server key, which Google no longer issues.
		return refuse(http.StatusUnauthorized, iidUnauth, RuleTopicManage, "no access_token_auth: true header: the Authorization header is read as a legacy server key")
	}
	g, f := e.bearer(r, now)
	if f != nil {
		return refuse(http.StatusUnauthorized, iidUnauth, f.rule, f.msg)
	}
	entry.App = g.app
	app, ok := e.w.App(Vendor, g.app)
	if !ok {
		return refuse(http.StatusUnauthorized, iidUnauth, RuleAuthBearer, "the access token's project is gone")
	}
	if !g.fcmScope {
		return refuse(http.StatusForbidden, iidDenied, RuleAuthScope, "the access token has no firebase.messaging or cloud-platform scope")
	}
	body, err := world.ReadBody(r, app.Quota("max_body_bytes", defMaxBody), nil)
	entry.Body = clip(body)
	if err != nil {
		return refuse(http.StatusBadRequest, iidInvalid, RuleTopicManage, "the body could not be read whole: "+err.Error())
	}
	var req iidRequest
	if world.InvalidJSONText(body) {
		return refuse(http.StatusBadRequest, iidInvalid, RuleTopicManage, "the body is not valid UTF-8 JSON")
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return refuse(http.StatusBadRequest, iidInvalid, RuleTopicManage, "the body is not {\"to\", \"registration_tokens\"}: "+err.Error())
	}
	entry.Tokens = req.Tokens
	switch {
	case req.To == nil || !validTopic(*req.To):
		return refuse(http.StatusBadRequest, iidInvalid, RuleTopicManage, "to must be /topics/<name>, the name [a-zA-Z0-9-_.~%]+")
	case len(req.Tokens) == 0:
		return refuse(http.StatusBadRequest, iidInvalid, RuleTopicManage, "registration_tokens is empty")
	case len(req.Tokens) > maxIIDTokens:
		return refuse(http.StatusBadRequest, iidInvalid, RuleTopicManage, strconv.Itoa(len(req.Tokens))+" registration_tokens, at most 1000")
	}
	topic := strings.TrimPrefix(*req.To, "/topics/")

	results := make([]string, len(req.Tokens))
	limit := app.Quota("topic_manage_per_second", defTopicManagePerSecond)
	if limit >= 0 && !e.w.Quotas().TakeRate("fcm/iid/"+app.ID+"/second", limit, time.Second, now) {
		for i := range results {
			results[i] = iidExhausted
		}
	} else {
		for i, t := range req.Tokens {
			results[i] = e.iidOne(app, t, topic, add)
		}
	}

	out := iidResults(results)
	entry.Status, entry.Verdict, entry.Response = http.StatusOK, world.VerdictAccepted, string(out)
	entry.Rule, entry.Code, entry.Reason = iidSummary(results, topic, add)
	e.w.Record(*entry)
	writeJSON(w, out)
	return http.StatusOK, ""
}

// iidOne (un)subscribes one token and returns its error ("" for success).
// Removing a subscription the token does not have succeeds.
func (e *Emulator) iidOne(app *world.App, token, topic string, add bool) string {
	if !validToken(token) {
		return iidInvalid
	}
	d, ok := e.w.DeviceByToken(Vendor, token)
	switch {
	case !ok || d.Uninstalled:
		return iidNotFound
	case d.App != app.Name:
		return iidInvalid // "not valid for the Sender ID"
	}
	var err error
	if add {
		err = e.w.SubscribeTopic(d.ID, topic)
	} else {
		err = e.w.UnsubscribeTopic(d.ID, topic)
	}
	switch {
	case err == nil:
		return ""
	case errors.Is(err, world.ErrTopicLimit):
		return iidTooMany
	case errors.Is(err, world.ErrTopicFull):
		// FCM sets no limit on a topic's subscribers; the world bounds its
		// memory (App.Quotas topic_subscribers) and the emulator answers
		// the way FCM answers a subscription it cannot take now.
		return iidExhausted
	case errors.Is(err, world.ErrNotFound):
		return iidNotFound
	}
	return iidInternal
}

// iidResults renders {"results":[{},{"error":"…"}]}.
func iidResults(results []string) []byte {
	b := make([]byte, 0, 16+len(results)*24)
	b = append(b, `{"results":[`...)
	for i, r := range results {
		if i > 0 {
			b = append(b, ',')
		}
		if r == "" {
			b = append(b, "{}"...)
			continue
		}
		b = append(b, `{"error":"`...)
		b = append(b, r...)
		b = append(b, `"}`...)
	}
	return append(b, "]}\n"...)
}

// iidSummary is the ledger's rule, code (the first failure's) and reason.
func iidSummary(results []string, topic string, add bool) (rule, code, reason string) {
	failed := map[string]int{}
	for _, r := range results {
		if r != "" {
			failed[r]++
			if code == "" {
				code = r
			}
		}
	}
	verb, prep := "subscribed", " to "
	if !add {
		verb, prep = "unsubscribed", " from "
	}
	reason = verb + " " + strconv.Itoa(len(results)-sumCounts(failed)) + " of " + strconv.Itoa(len(results)) + " tokens" + prep + strconv.Quote(topic)
	for _, c := range []string{iidNotFound, iidInvalid, iidTooMany, iidExhausted, iidInternal} {
		if n := failed[c]; n > 0 {
			reason += "; " + strconv.Itoa(n) + " " + c
		}
	}
	switch code {
	case iidTooMany:
		rule = RuleTopicMax
	case iidExhausted:
		rule = RuleTopicRate
	default:
		rule = RuleTopicManage
	}
	return rule, code, reason
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
