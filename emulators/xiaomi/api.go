package xiaomi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// The APIs beside the single sends (vendor-facts §1.1 table; paths from the
// official Java SDK's XmPushRequestPath, S-X1): multi-message sends
// (multi.go), server-side topic subscription (subscribe.go), revoke
// (revoke.go) and message status (trace.go). They share the send path's
// authorization, QPS count, body reading and error answers.

// apiRoutes adds the paths of this file's APIs.
func (e *Emulator) apiRoutes(r *mux.Router) {
	post := func(path string, kind targetKind, key string, work apiWork) {
		r.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { e.serveAPI(w, r, kind, key, work) }).Methods(http.MethodPost)
	}
	post("/v2/multi_messages/regids", byRegID, "", (*call).sendMulti)
	post("/v2/multi_messages/aliases", byAlias, "", (*call).sendMulti)
	post("/v2/topic/subscribe", byRegID, "", (*call).subscribeTopic)
	post("/v2/topic/unsubscribe", byRegID, "", (*call).unsubscribeTopic)
	post("/v2/topic/subscribe/alias", byAlias, "aliases", (*call).subscribeTopic)
	post("/v2/topic/unsubscribe/alias", byAlias, "aliases", (*call).unsubscribeTopic)
	post("/v1/message/regid/revoke", byRegID, "registration_ids", (*call).revoke)
	post("/v1/message/alias/revoke", byAlias, "aliases", (*call).revoke)
	r.HandleFunc("/v1/trace/message/status", func(w http.ResponseWriter, r *http.Request) {
		e.serveAPI(w, r, byRegID, "", (*call).messageStatus)
	}).Methods(http.MethodGet)
}

// apiWork is a call's own work once its form is read: it writes the answer
// into out, or refuses. What it returns as after runs once the request has
// its ledger number, so the drops it causes point at the request.
type apiWork func(c *call, out *[]byte) (rej rejection, after func(request uint64))

// serveAPI runs one call of these APIs: kind and key say how its targets
// are named and resolved (key "" = the send's own field).
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request, kind targetKind, key string, work apiWork) {
	c := call{e: e, now: e.w.Now(), kind: kind, key: key, enabled: -1}
	c.entry = world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path, Status: http.StatusOK, At: c.now}
	out := getBuf()
	defer putBuf(out)

	rej := c.authorize(r)
	if rej.code == 0 {
		rej = c.read(w, r)
	}
	var after func(uint64)
	if rej.code == 0 {
		rej, after = work(&c, out)
	}
	if rej.code != 0 {
		trace, _ := e.newIDs('s')
		*out = appendError((*out)[:0], rej.code, rej.reason, trace)
		c.entry.Verdict, c.entry.Code, c.entry.Rule, c.entry.Reason = world.VerdictRejected, itoa(rej.code), rej.rule, rej.reason
		after = nil
	}
	seq := c.finish(out)
	if after != nil {
		after(seq) // before answering: a client that looks right after sees its effect
	}
	writeJSON(w, http.StatusOK, *out)
}

// accepted marks the call's ledger entry accepted, with the rule and reason
// that explain it (none: "").
func (c *call) accepted(rule, reason string) {
	c.entry.Verdict, c.entry.Code, c.entry.Rule, c.entry.Reason = world.VerdictAccepted, "0", rule, reason
}
