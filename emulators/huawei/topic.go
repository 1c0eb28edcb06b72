package huawei

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// The v1 topic API (vendor-facts §1.1; the HMS Core topic-sub-api,
// push-topicunsubscribeapi and push-topiclistapi pages; the official Java
// and Python demos call it):
//
//	POST /v1/{appId}/topic:subscribe    {"topic": "weather", "tokenArray": ["…", …]}
//	POST /v1/{appId}/topic:unsubscribe  (same body)
//	POST /v1/{appId}/topic:list         {"token": "…"}
//
// with the send API's OAuth bearer token. (Un)subscribe answers {code, msg,
// requestId, successCount, failureCount, errors: [{index, reason}]}, list
// answers {code, msg, requestId, topics: [{name, addDate}]}.
//
// The 82000001-82000013 codes are named in the facts (§1.4) and their texts
// come from the official Java demo's ResponceCodeProcesser; which failure
// gets which code is not documented, so the emulator picks the likeliest:
// a bad topic 82000007, a missing, empty or too long tokenArray 82000008, a
// token at its topic limit 82000009, some tokens failing 82000010 (every
// token failing as not the app's: 80300007, the send API's code), no token
// to list 82000011. 82000001-82000006 are the group API's and 82000012-13
// the data-storage location's: they do not arise here.

// Topic API result codes (vendor-facts §1.4; texts from HW-JAVA).
const (
	codeTopicInvalid   = "82000007"
	codeTokenArray     = "82000008"
	codeTopicLimit     = "82000009"
	codeSomeTokenWrong = "82000010"
	codeTokenNull      = "82000011"
)

var topicCodeText = map[string]string{
	codeTopicInvalid:   "Invalid topic",
	codeTokenArray:     "Token array null or transfinited",
	codeTopicLimit:     "Topic num transfinited, at most 2000",
	codeSomeTokenWrong: "Some token is wrong",
	codeTokenNull:      "Token is null",
}

// Per-token reasons in errors[].
const (
	reasonInvalidToken = "Invalid Token"
	reasonTopicLimit   = "Topic num transfinited, at most 2000"
	reasonInternal     = "System internal error"
)

const (
	maxTopicTokens   = 1000 // tokenArray
	maxTopicRunes    = 900  // a topic name
	defTopicsPerApp  = 2000 // an app instance's topics (HMS push-topic guide)
	maxTopicBodySize = 1 << 20
)

// routeTopics serves the topic API and sets Huawei's subscription limit.
func (e *Emulator) routeTopics(r *mux.Router) {
	e.w.SetTopicLimits(vendor, world.TopicLimits{PerDevice: defTopicsPerApp})
	r.HandleFunc("/v1/{appId}/topic:subscribe", func(w http.ResponseWriter, r *http.Request) { e.serveTopic(w, r, true) }).Methods(http.MethodPost)
	r.HandleFunc("/v1/{appId}/topic:unsubscribe", func(w http.ResponseWriter, r *http.Request) { e.serveTopic(w, r, false) }).Methods(http.MethodPost)
	r.HandleFunc("/v1/{appId}/topic:list", e.serveTopicList).Methods(http.MethodPost)
}

// validTopicName is Huawei's topic pattern: 1-900 characters of ASCII
// letters and digits, _ - . ~ % and Chinese (U+4E00-U+9FA5), and at most
// world.MaxTopicBytes (1024) bytes, what the world keeps.
func validTopicName(t string) bool {
	if t == "" || len(t) > world.MaxTopicBytes || utf8.RuneCountInString(t) > maxTopicRunes {
		return false
	}
	for _, c := range t {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_' || c == '-' || c == '.' || c == '~' || c == '%':
		case c >= 0x4e00 && c <= 0x9fa5:
		default:
			return false
		}
	}
	return true
}

type topicRequest struct {
	Topic      *string  `json:"topic"`
	TokenArray []string `json:"tokenArray"`
	Token      *string  `json:"token"`
}

type topicError struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

// subscribeAnswer answers topic:subscribe and topic:unsubscribe.
type subscribeAnswer struct {
	Code         string       `json:"code"`
	Msg          string       `json:"msg"`
	RequestID    string       `json:"requestId"`
	SuccessCount int          `json:"successCount"`
	FailureCount int          `json:"failureCount"`
	Errors       []topicError `json:"errors"`
}

// listAnswer answers topic:list.
type listAnswer struct {
	Code      string      `json:"code"`
	Msg       string      `json:"msg"`
	RequestID string      `json:"requestId"`
	Topics    []topicDate `json:"topics"`
}

type topicDate struct {
	Name    string `json:"name"`
	AddDate string `json:"addDate"`
}

// topicCall is what every topic request shares: the ledger entry, the app,
// the decoded body, or the problem that ends it.
func (e *Emulator) topicCall(w http.ResponseWriter, r *http.Request, rid string, now time.Time) (*world.Entry, *world.App, *topicRequest, bool) {
	appID := mux.Vars(r)["appId"]
	var buf bytes.Buffer
	_, readErr := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxTopicBodySize))
	body := buf.Bytes()
	entry := &world.Entry{Kind: world.KindRequest, Vendor: vendor, Method: r.Method, Path: r.URL.Path, MessageID: rid, Body: ledgerBody(body), At: now}
	app, _ := e.w.FindAppShared(vendor, func(a *world.App) bool { return a.ID == appID })
	if app != nil {
		entry.App = app.Name
	}
	if p := e.authorize(r.Header.Get("Authorization"), app, appID, now); p != nil {
		e.reject(w, entry, app, p, rid)
		return nil, nil, nil, false
	}
	var req topicRequest
	var p *problem
	switch {
	case readErr != nil:
		p = &problem{codeParam, RuleTopicManage, fmt.Sprintf("the request body exceeds %d bytes", maxTopicBodySize)}
	case world.InvalidJSONText(body):
		p = &problem{codeParam, RuleTopicManage, "the body is not valid UTF-8 (or escapes a lone surrogate)"}
	default:
		if err := json.Unmarshal(body, &req); err != nil {
			p = decodeProblem(err)
			p.rule = RuleTopicManage
		}
	}
	if p != nil {
		e.reject(w, entry, app, p, rid)
		return nil, nil, nil, false
	}
	return entry, app, &req, true
}

// serveTopic is topic:subscribe (add) and topic:unsubscribe.
func (e *Emulator) serveTopic(w http.ResponseWriter, r *http.Request, add bool) {
	now, rid := e.w.Now(), e.requestID()
	entry, app, req, ok := e.topicCall(w, r, rid, now)
	if !ok {
		return
	}
	entry.Tokens = req.TokenArray
	switch {
	case req.Topic == nil || !validTopicName(*req.Topic):
		e.rejectTopic(w, entry, app, codeTopicInvalid, RuleTopicName, "the topic is missing or not 1-900 letters, digits, _ - . ~ % or Chinese", rid)
		return
	case len(req.TokenArray) == 0 || len(req.TokenArray) > maxTopicTokens:
		e.rejectTopic(w, entry, app, codeTokenArray, RuleTopicTokenArray, fmt.Sprintf("tokenArray has %d tokens, 1 to %d needed", len(req.TokenArray), maxTopicTokens), rid)
		return
	}
	topic := *req.Topic
	var errs []topicError
	limited := 0
	for i, t := range req.TokenArray {
		reason := e.topicOne(app, t, topic, add)
		if reason != "" {
			errs = append(errs, topicError{Index: i, Reason: reason})
			if reason == reasonTopicLimit {
				limited++
			}
		}
	}
	failures, successes := len(errs), len(req.TokenArray)-len(errs)
	code, rule := codeSuccess, RuleTopicManage
	switch {
	case failures == 0:
	case limited == failures:
		code, rule = codeTopicLimit, RuleTopicMax
	case successes == 0 && limited == 0:
		code = codeAllInvalid
	default:
		code = codeSomeTokenWrong
	}
	verb := "subscribed to"
	if !add {
		verb = "unsubscribed from"
	}
	entry.Reason = fmt.Sprintf("%d of %d tokens %s %q", successes, len(req.TokenArray), verb, topic)
	if failures > 0 {
		entry.Reason += fmt.Sprintf("; %d failed (%d at the topic limit)", failures, limited)
	}
	if errs == nil {
		errs = []topicError{}
	}
	a := subscribeAnswer{Code: code, Msg: topicText(code), RequestID: rid, SuccessCount: successes, FailureCount: failures, Errors: errs}
	status := httpStatus(code, app)
	verdict := world.VerdictAccepted
	if successes == 0 && failures > 0 {
		verdict = world.VerdictRejected
	} else if code == codeSomeTokenWrong || code == codeTopicLimit {
		status = partialStatus(code, app)
	}
	e.answerTopic(w, entry, status, verdict, code, rule, a)
}

// topicOne (un)subscribes one token and returns its failure reason ("" when
// it worked). Removing a topic the token does not have works.
func (e *Emulator) topicOne(app *world.App, token, topic string, add bool) string {
	d, ok := e.w.DeviceByToken(vendor, token)
	if !ok || d.App != app.Name || d.Platform == PlatformHarmony {
		return reasonInvalidToken
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
		return reasonTopicLimit
	case errors.Is(err, world.ErrNotFound):
		return reasonInvalidToken
	}
	// world.ErrTopicFull: Huawei sets no limit on a topic's subscribers;
	// the world bounds its memory (App.Quotas topic_subscribers).
	return reasonInternal
}

// serveTopicList is topic:list.
func (e *Emulator) serveTopicList(w http.ResponseWriter, r *http.Request) {
	now, rid := e.w.Now(), e.requestID()
	entry, app, req, ok := e.topicCall(w, r, rid, now)
	if !ok {
		return
	}
	if req.Token == nil || *req.Token == "" {
		e.rejectTopic(w, entry, app, codeTokenNull, RuleTopicList, "no token to list the topics of", rid)
		return
	}
	entry.Tokens = []string{*req.Token}
	d, found := e.w.DeviceByToken(vendor, *req.Token)
	if !found || d.App != app.Name || d.Platform == PlatformHarmony {
		e.rejectTopic(w, entry, app, codeAllInvalid, RuleTopicList, "the token is not one of the app's", rid)
		return
	}
	since, err := e.w.DeviceTopicsSince(d.ID)
	if err != nil {
		e.rejectTopic(w, entry, app, codeAllInvalid, RuleTopicList, "the phone is gone", rid)
		return
	}
	topics := make([]topicDate, len(since))
	for i, s := range since {
		topics[i] = topicDate{Name: s.Topic, AddDate: s.Since.In(world.Shanghai).Format("2006-01-02")}
	}
	entry.Reason = fmt.Sprintf("the token has %d topics", len(topics))
	a := listAnswer{Code: codeSuccess, Msg: topicText(codeSuccess), RequestID: rid, Topics: topics}
	e.answerTopic(w, entry, httpStatus(codeSuccess, app), world.VerdictAccepted, codeSuccess, RuleTopicList, a)
}

// topicText is a code's msg: the topic codes' own texts, else the send API's.
func topicText(code string) string {
	if t, ok := topicCodeText[code]; ok {
		return t
	}
	return codeText[code]
}

// partialStatus is the HTTP status of an answer where some tokens worked:
// 200, as for the send API's partial success, unless the app sets one.
func partialStatus(code string, app *world.App) int {
	if app.Setting("http_status."+code, app.Setting("http_status", "")) != "" {
		return httpStatus(code, app)
	}
	return http.StatusOK
}

// rejectTopic answers a refused topic request with a topic code.
func (e *Emulator) rejectTopic(w http.ResponseWriter, entry *world.Entry, app *world.App, code, rule, detail, rid string) {
	entry.Reason = detail
	out := appendResult(nil, code, topicText(code), rid)
	e.answerTopic(w, entry, httpStatus(code, app), world.VerdictRejected, code, rule, out)
}

// answerTopic writes and records a topic API answer (a value to encode,
// or the encoded bytes).
func (e *Emulator) answerTopic(w http.ResponseWriter, entry *world.Entry, status int, verdict, code, rule string, a any) {
	out, ok := a.([]byte)
	if !ok {
		out, _ = json.Marshal(a)
	}
	entry.Status, entry.Verdict, entry.Code, entry.Rule, entry.Response = status, verdict, code, rule, string(out)
	e.w.Record(*entry)
	writeJSON(w, status, out)
}
