// Package fcm emulates Firebase Cloud Messaging HTTP v1 and the Google OAuth
// 2.0 token endpoint its clients use (vendor-facts/huawei-oppo-fcm-honor.md §3).
//
// Three hosts are served by one handler: oauth2.googleapis.com (POST /token,
// the service-account JWT-bearer grant, RS256 verified with crypto/rsa),
// fcm.googleapis.com (POST /v1/projects/{project}/messages:send with the
// google.rpc error shape and the FcmError detail; a topic or condition
// message fans out to the subscribed phones, topic.go) and
// iid.googleapis.com (POST /iid/v1:batchAdd and :batchRemove, the topic
// management the Admin SDKs call, iid.go). A Firebase project is a
// world.App of vendor "fcm": App.ID is the project id, App.Extra holds the
// service-account key file ("service_account") and the sender id
// ("sender_id", the project number).
//
// Knobs, for what the facts leave open or a scenario needs shorter:
//
//	App.Quotas   token_ttl_seconds (3600), token_expires_in (ttl-1),
//	             jwt_skew_seconds (300), max_body_bytes (1 MiB),
//	             payload_bytes (4096), project_per_minute (600000),
//	             device_per_minute (240), device_per_hour (5000),
//	             collapsible_burst (20), collapsible_refill_seconds (180),
//	             collapse_keys (4), pending_messages (100),
//	             fault_count (0 = always),
//	             fault_retry_after (30), condition_topics (5),
//	             topic_manage_per_second (3000), topics_per_device
//	             (2000); a negative limit switches it off
//	App.Settings scope_check (token | send), token_audiences (comma list),
//	             reserved_data_keys (comma list), default_channel
//	             (fcm_fallback_notification_channel), fault (unavailable |
//	             internal), retry_after_429 (on | off), condition_order
//	             (left-to-right | standard)
package fcm

import (
	"net/http"
	"sync"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/internal/keyfile"
	"github.com/pushsim/pushsim/emulators/world"
)

// Names and hosts (vendor-facts §3.1).
const (
	// Vendor is the emulator's name and URL prefix.
	Vendor = "fcm"
	// SendHost serves messages:send.
	SendHost = "fcm.googleapis.com"
	// AuthHost serves the OAuth 2.0 token endpoint.
	AuthHost = "oauth2.googleapis.com"
	// GoogleTokenURL is the token_uri of a real key file; the emulator
	// accepts it as a JWT audience beside the URL the client posted to.
	GoogleTokenURL = "https://oauth2.googleapis.com/token"
	// DefaultChannel is the channel the FCM SDK creates and uses when a
	// message names a channel the app did not create (App.Settings
	// default_channel overrides it, as the manifest meta-data would).
	DefaultChannel = "fcm_fallback_notification_channel"

	// ExtraServiceAccount is the App.Extra key of the service-account JSON.
	ExtraServiceAccount = "service_account"
	// ExtraSenderID is the App.Extra key of the project number (sender id).
	ExtraSenderID = "sender_id"
)

// Emulator is the FCM server and Google's token endpoint over one world.
type Emulator struct {
	w      *world.World
	router *mux.Router

	// mu guards the state below. It belongs to one generation of the world:
	// World.Reset replaces the quota counter, and the state is dropped with it
	// (access tokens of a reset world are as dead as its apps).
	mu      sync.RWMutex
	gen     *world.Quotas
	grants  map[string]grant  // access token → what it grants
	buckets map[string]bucket // app/device → collapsible-message bucket
	issued  int               // grants issued since the last sweep of expired ones

	accounts keyfile.Cache[*account] // parsed key files
}

// New returns the FCM emulator over w.
func New(w *world.World) world.Vendor {
	e := &Emulator{w: w}
	w.SetTopicLimits(Vendor, world.TopicLimits{PerDevice: defTopicsPerDevice})
	r := mux.NewRouter()
	r.HandleFunc("/token", e.token)
	r.HandleFunc("/v1/projects/{project}/messages:send", e.send)
	r.HandleFunc("/iid/v1:batchAdd", e.iidBatch(true))
	r.HandleFunc("/iid/v1:batchRemove", e.iidBatch(false))
	r.NotFoundHandler = http.HandlerFunc(notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(notFound)
	e.router = r
	return e
}

// Name returns "fcm".
func (e *Emulator) Name() string { return Vendor }

// Hosts are FCM's, Google OAuth's and the Instance ID service's real host names.
func (e *Emulator) Hosts() []string { return []string{SendHost, AuthHost, IIDHost} }

// Handler serves /token, /v1/projects/{project}/messages:send and
// /iid/v1:batchAdd, :batchRemove.
func (e *Emulator) Handler() http.Handler { return e.router }

// Rules lists the rules the emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }

// fresh drops the state of an earlier world generation. Callers hold e.mu.
func (e *Emulator) freshLocked() {
	if q := e.w.Quotas(); q != e.gen || e.grants == nil {
		e.gen = q
		e.grants = map[string]grant{}
		e.buckets = map[string]bucket{}
		e.issued = 0
	}
}

// notFound answers unknown paths and methods as Google's front end does.
func notFound(w http.ResponseWriter, r *http.Request) {
	writeRPC(w, &failure{status: http.StatusNotFound, grpc: "NOT_FOUND", msg: "Method not found."})
}
