package world

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Topic subscriptions: the named topics (MiPush and FCM topics, Huawei
// topics, Meizu and vivo tags) a phone's push SDK subscribed its app to, so
// a vendor can fan a topic send out to the subscribed phones. A phone has one
// app, so its subscriptions are that app's; topics of different apps (or
// vendors) with the same name are different topics.
//
// Memory is bounded: a phone holds at most TopicLimits.PerDevice topics and
// a topic at most TopicLimits.PerTopic phones. A vendor sets its own limits
// once (SetTopicLimits, e.g. Xiaomi's 30 per device); an app overrides them
// with App.Quotas "topics_per_device" and "topic_subscribers".

// TopicOp combines the subscribers of several topics.
type TopicOp string

// The operations MiPush's multi_topic send names (topic_op); other vendors'
// conditions map onto them.
const (
	TopicUnion        TopicOp = "UNION"        // subscribed to any of the topics
	TopicIntersection TopicOp = "INTERSECTION" // subscribed to every topic
	TopicExcept       TopicOp = "EXCEPT"       // subscribed to the first topic and to none of the others
)

// TopicLimits bound the subscriptions of one vendor's (or app's) phones.
type TopicLimits struct {
	PerDevice int `json:"per_device"` // topics one phone may subscribe to
	PerTopic  int `json:"per_topic"`  // phones one topic may have
}

// Defaults when neither the vendor nor the app sets a limit, and the longest
// topic name the world keeps.
const (
	DefaultTopicsPerDevice     = 2000 // FCM's per app instance, the largest a vendor documents
	DefaultSubscribersPerTopic = 100000
	MaxTopicBytes              = 1024
)

// App.Quotas keys that override the vendor's topic limits for one app.
const (
	QuotaTopicsPerDevice  = "topics_per_device"
	QuotaTopicSubscribers = "topic_subscribers"
)

// Topic errors.
var (
	ErrTopicName  = errors.New("invalid topic name")
	ErrTopicLimit = errors.New("the phone is subscribed to the most topics it may have")
	ErrTopicFull  = errors.New("the topic has the most subscribers it may have")
	ErrTopicOp    = errors.New("invalid topic operation (want UNION, INTERSECTION or EXCEPT)")
)

// TopicCount is a topic of an app with how many phones are subscribed.
type TopicCount struct {
	Topic       string `json:"topic"`
	Subscribers int    `json:"subscribers"`
}

type topicKey struct{ vendor, app, topic string }

// topicTable is the world's subscription index, guarded by World.mu.
type topicTable struct {
	limits   map[string]TopicLimits // by vendor; survives Reset (vendor configuration)
	subs     map[topicKey][]string  // phone ids, in subscription order
	byDevice map[string][]string    // phone id → its topics, in subscription order

	since map[deviceTopic]time.Time // when the phone subscribed (Huawei's topic:list addDate)
}

type deviceTopic struct{ device, topic string }

// reset forgets every subscription and keeps the vendors' limits.
func (t *topicTable) reset() {
	t.subs = map[topicKey][]string{}
	t.byDevice = map[string][]string{}
	t.since = map[deviceTopic]time.Time{}
}

// forget removes a phone from every topic it is subscribed to.
func (t *topicTable) forget(p *phone) {
	for _, topic := range t.byDevice[p.ID] {
		k := topicKey{p.Vendor, p.App, topic}
		ids := slices.DeleteFunc(t.subs[k], func(id string) bool { return id == p.ID })
		if len(ids) == 0 {
			delete(t.subs, k)
		} else {
			t.subs[k] = ids
		}
		delete(t.since, deviceTopic{p.ID, topic})
	}
	delete(t.byDevice, p.ID)
}

// ValidTopic reports whether the world can keep a topic name: not blank,
// valid UTF-8, no control characters, at most MaxTopicBytes. Vendors check
// their own, stricter rules on their wire.
func ValidTopic(topic string) error {
	switch {
	case strings.TrimSpace(topic) == "":
		return fmt.Errorf("%w: empty", ErrTopicName)
	case len(topic) > MaxTopicBytes:
		return fmt.Errorf("%w: longer than %d bytes", ErrTopicName, MaxTopicBytes)
	case !utf8.ValidString(topic):
		return fmt.Errorf("%w: not valid UTF-8", ErrTopicName)
	case strings.IndexFunc(topic, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return fmt.Errorf("%w: holds a control character", ErrTopicName)
	}
	return nil
}

// SetTopicLimits sets a vendor's subscription limits (zero fields: the world
// defaults). Vendors call it once when they are made; Reset keeps it.
func (w *World) SetTopicLimits(vendor string, l TopicLimits) {
	w.mu.Lock()
	if w.topics.limits == nil {
		w.topics.limits = map[string]TopicLimits{}
	}
	w.topics.limits[vendor] = l
	w.mu.Unlock()
}

// TopicLimitsOf returns the limits that apply to an app's phones: the app's
// App.Quotas overrides, else its vendor's, else the world defaults.
func (w *World) TopicLimitsOf(vendor, app string) TopicLimits {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.topicLimitsLocked(vendor, app)
}

func (w *World) topicLimitsLocked(vendor, app string) TopicLimits {
	l := w.topics.limits[vendor]
	if l.PerDevice <= 0 {
		l.PerDevice = DefaultTopicsPerDevice
	}
	if l.PerTopic <= 0 {
		l.PerTopic = DefaultSubscribersPerTopic
	}
	for _, a := range w.apps {
		if a.Vendor == vendor && a.Name == app {
			l.PerDevice = a.Quota(QuotaTopicsPerDevice, l.PerDevice)
			l.PerTopic = a.Quota(QuotaTopicSubscribers, l.PerTopic)
		}
	}
	return l
}

// SubscribeTopic subscribes a phone (id or name) to a topic of its app, as
// the app's push SDK would. Subscribing again is a no-op. Errors: ErrNotFound,
// ErrTopicName, ErrTopicLimit (the phone holds PerDevice topics), ErrTopicFull
// (the topic has PerTopic phones).
func (w *World) SubscribeTopic(idOrName, topic string) error {
	if err := ValidTopic(topic); err != nil {
		return err
	}
	w.mu.Lock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		w.mu.Unlock()
		return fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	mine := w.topics.byDevice[p.ID]
	if slices.Contains(mine, topic) {
		w.mu.Unlock()
		return nil
	}
	k := topicKey{p.Vendor, p.App, topic}
	l := w.topicLimitsLocked(p.Vendor, p.App)
	switch {
	case len(mine) >= l.PerDevice:
		w.mu.Unlock()
		return fmt.Errorf("device %q, topic %q: %w (%d)", p.ID, topic, ErrTopicLimit, l.PerDevice)
	case len(w.topics.subs[k]) >= l.PerTopic:
		w.mu.Unlock()
		return fmt.Errorf("topic %q: %w (%d)", topic, ErrTopicFull, l.PerTopic)
	}
	w.topics.byDevice[p.ID] = append(mine, topic)
	w.topics.subs[k] = append(w.topics.subs[k], p.ID)
	w.topics.since[deviceTopic{p.ID, topic}] = w.clock.Now()
	id := p.ID
	w.mu.Unlock()
	w.notify(Event{Kind: "device", Device: id})
	return nil
}

// UnsubscribeTopic removes a phone from a topic; a topic it is not
// subscribed to is a no-op. The error is ErrNotFound for an unknown phone.
func (w *World) UnsubscribeTopic(idOrName, topic string) error {
	w.mu.Lock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		w.mu.Unlock()
		return fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	mine := w.topics.byDevice[p.ID]
	i := slices.Index(mine, topic)
	if i < 0 {
		w.mu.Unlock()
		return nil
	}
	if mine = slices.Delete(mine, i, i+1); len(mine) == 0 {
		delete(w.topics.byDevice, p.ID)
	} else {
		w.topics.byDevice[p.ID] = mine
	}
	k := topicKey{p.Vendor, p.App, topic}
	if ids := slices.DeleteFunc(w.topics.subs[k], func(id string) bool { return id == p.ID }); len(ids) == 0 {
		delete(w.topics.subs, k)
	} else {
		w.topics.subs[k] = ids
	}
	delete(w.topics.since, deviceTopic{p.ID, topic})
	id := p.ID
	w.mu.Unlock()
	w.notify(Event{Kind: "device", Device: id})
	return nil
}

// DeviceTopics lists the topics a phone is subscribed to, in subscription order.
func (w *World) DeviceTopics(idOrName string) ([]string, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		return nil, fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	return slices.Clone(w.topics.byDevice[p.ID]), nil
}

// TopicSince is one of a phone's topics and when it subscribed.
type TopicSince struct {
	Topic string    `json:"topic"`
	Since time.Time `json:"since"`
}

// DeviceTopicsSince lists a phone's topics with their subscription times,
// in subscription order.
func (w *World) DeviceTopicsSince(idOrName string) ([]TopicSince, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	p := w.phoneLocked(idOrName)
	if p == nil {
		return nil, fmt.Errorf("device %q: %w", idOrName, ErrNotFound)
	}
	topics := w.topics.byDevice[p.ID]
	out := make([]TopicSince, len(topics))
	for i, t := range topics {
		out[i] = TopicSince{Topic: t, Since: w.topics.since[deviceTopic{p.ID, t}]}
	}
	return out, nil
}

// Topics lists an app's topics that have subscribers, by name.
func (w *World) Topics(vendor, app string) []TopicCount {
	w.mu.RLock()
	out := []TopicCount{}
	for k, ids := range w.topics.subs {
		if k.vendor == vendor && k.app == app {
			out = append(out, TopicCount{Topic: k.topic, Subscribers: len(ids)})
		}
	}
	w.mu.RUnlock()
	slices.SortFunc(out, func(a, b TopicCount) int { return strings.Compare(a.Topic, b.Topic) })
	return out
}

// TopicSubscribers lists the phones of an app subscribed to a topic, in
// subscription order.
func (w *World) TopicSubscribers(vendor, app, topic string) []Device {
	d, _ := w.MatchTopics(vendor, app, TopicUnion, topic)
	return d
}

// MatchTopics lists the phones of an app that the combination of topics
// selects (UNION, INTERSECTION, or EXCEPT: the first topic's subscribers
// that have none of the others), in the first topic's subscription order,
// then the next topics'. Errors: ErrTopicName
// for no topic, ErrTopicOp for another op.
func (w *World) MatchTopics(vendor, app string, op TopicOp, topics ...string) ([]Device, error) {
	if len(topics) == 0 {
		return nil, fmt.Errorf("%w: no topic", ErrTopicName)
	}
	switch op {
	case TopicUnion, TopicIntersection, TopicExcept:
	default:
		return nil, fmt.Errorf("%w: %q", ErrTopicOp, op)
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	first := w.topics.subs[topicKey{vendor, app, topics[0]}]
	rest := make([]map[string]bool, 0, len(topics)-1)
	for _, t := range topics[1:] {
		set := map[string]bool{}
		for _, id := range w.topics.subs[topicKey{vendor, app, t}] {
			set[id] = true
		}
		rest = append(rest, set)
	}
	var ids []string
	switch op {
	case TopicUnion:
		seen := map[string]bool{}
		for _, t := range topics {
			for _, id := range w.topics.subs[topicKey{vendor, app, t}] {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	case TopicIntersection:
		for _, id := range first {
			if !slices.ContainsFunc(rest, func(s map[string]bool) bool { return !s[id] }) {
				ids = append(ids, id)
			}
		}
	case TopicExcept:
		for _, id := range first {
			if !slices.ContainsFunc(rest, func(s map[string]bool) bool { return s[id] }) {
				ids = append(ids, id)
			}
		}
	}
	out := make([]Device, 0, len(ids))
	for _, id := range ids {
		if p := w.phones[id]; p != nil {
			out = append(out, p.Device.clone())
		}
	}
	return out, nil
}
