package admin

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/pushsim/pushsim/emulators/world"
)

// topicRoutes serve the phones' topic subscriptions (world/topics.go). In
// reality the app's push SDK subscribes (MiPushClient.subscribe, FCM
// subscribeToTopic); here a user does it for a simulated phone:
//
//	GET    /_pushsim/devices/{id}/topics           the phone's topics
//	PUT    /_pushsim/devices/{id}/topics/{topic}   subscribe (again: no-op)
//	DELETE /_pushsim/devices/{id}/topics/{topic}   unsubscribe (not subscribed: no-op)
//	GET    /_pushsim/apps/{vendor}/{name}/topics   the app's topics with subscriber counts
//	GET    /_pushsim/apps/{vendor}/{name}/subscribers?topic=a[&topic=b...][&op=UNION|INTERSECTION|EXCEPT]
//
// A topic may hold slashes; escape anything else a path cannot carry.
func (a *API) topicRoutes() {
	a.HandleFunc("GET", "/devices/{id}/topics", a.deviceTopics)
	a.HandleFunc("PUT", "/devices/{id}/topics/{topic:.+}", a.subscribeTopic)
	a.HandleFunc("DELETE", "/devices/{id}/topics/{topic:.+}", a.unsubscribeTopic)
	a.HandleFunc("GET", "/apps/{vendor}/{name}/topics", a.appTopics)
	a.HandleFunc("GET", "/apps/{vendor}/{name}/subscribers", a.topicSubscribers)
}

// phoneTopics is a phone's subscriptions as the control plane shows them.
type phoneTopics struct {
	Device string   `json:"device"`
	Vendor string   `json:"vendor"`
	App    string   `json:"app"`
	Topics []string `json:"topics"`
}

func (a *API) writePhoneTopics(w http.ResponseWriter, id string) {
	d, ok := a.w.Device(id)
	topics, err := a.w.DeviceTopics(id)
	if !ok || err != nil {
		notFound(w, "no device with id or name %q", id)
		return
	}
	if topics == nil {
		topics = []string{}
	}
	writeJSON(w, http.StatusOK, phoneTopics{Device: d.ID, Vendor: d.Vendor, App: d.App, Topics: topics})
}

func (a *API) deviceTopics(w http.ResponseWriter, r *http.Request) {
	a.writePhoneTopics(w, mux.Vars(r)["id"])
}

func (a *API) subscribeTopic(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if !topicAnswered(w, a.w.SubscribeTopic(vars["id"], vars["topic"]), vars["id"]) {
		a.writePhoneTopics(w, vars["id"])
	}
}

func (a *API) unsubscribeTopic(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if !topicAnswered(w, a.w.UnsubscribeTopic(vars["id"], vars["topic"]), vars["id"]) {
		a.writePhoneTopics(w, vars["id"])
	}
}

// topicAnswered answers a subscription error as a problem and reports
// whether it did.
func topicAnswered(w http.ResponseWriter, err error, id string) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, world.ErrNotFound):
		notFound(w, "no device with id or name %q", id)
	case errors.Is(err, world.ErrTopicLimit), errors.Is(err, world.ErrTopicFull):
		writeProblem(w, http.StatusConflict, "topic-limit", err.Error()+"; raise the app's quotas topics_per_device or topic_subscribers", "topic")
	default:
		badRequest(w, "topic", "%v", err)
	}
	return true
}

func (a *API) appTopics(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if _, ok := a.w.App(vars["vendor"], vars["name"]); !ok {
		notFound(w, "no %s app %q", vars["vendor"], vars["name"])
		return
	}
	writeJSON(w, http.StatusOK, a.w.Topics(vars["vendor"], vars["name"]))
}

// topicSubscribers lists the phones a topic (or a combination) reaches.
func (a *API) topicSubscribers(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	if _, ok := a.w.App(vars["vendor"], vars["name"]); !ok {
		notFound(w, "no %s app %q", vars["vendor"], vars["name"])
		return
	}
	q := r.URL.Query()
	op := world.TopicOp(q.Get("op"))
	if op == "" {
		op = world.TopicUnion
	}
	devices, err := a.w.MatchTopics(vars["vendor"], vars["name"], op, q["topic"]...)
	switch {
	case errors.Is(err, world.ErrTopicOp):
		badRequest(w, "op", "%v", err)
		return
	case err != nil:
		badRequest(w, "topic", "%v; name one or more with ?topic=", err)
		return
	}
	writeJSON(w, http.StatusOK, devices)
}
