package meizu

import (
	"errors"
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// Tag subscription APIs on the subscription host api-push.meizu.com
// (vendor-facts §2.1: "subscription APIs (switches, alias, tags)"; paths,
// fields and answers from the PushAPI README "订阅服务" and the Java SDK's
// IFlymePushSub, S-M1/S-M2): signed forms with appId, pushId and sign,
// plus tags (comma-joined) to subscribe or unsubscribe:
//
//	/garcia/api/server/message/subscribeTags    value {pushId, tags: [{tagId, tagName}]}
//	/garcia/api/server/message/unSubscribeTags  the same, the tags left
//	/garcia/api/server/message/getSubTags       the same (GET in the README, POST in the SDK)
//	/garcia/api/server/message/unSubAllTags     value true
//
// The tags are the world's topics of the pushId's phone, so a tag pushed to
// with pushToTag reaches the phones subscribed here, and the other ways in
// (the harness's subscribe step, the control plane) show up here. A phone
// holds at most 100 tags (the doc's "100个标签数量限制"; App.Quotas
// topics_per_device). Inferred where the README is silent: a pushId not of
// the SDK's form is answered 110003 pushId非法, one that no phone of the app
// has 110002 pushId未注册; a subscription over the limit 1005 and nothing
// of it is kept; a tagId is a number derived from the app and the tag name.
const (
	PathSubscribeTags   = "/garcia/api/server/message/subscribeTags"
	PathUnSubscribeTags = "/garcia/api/server/message/unSubscribeTags"
	PathGetSubTags      = "/garcia/api/server/message/getSubTags"
	PathUnSubAllTags    = "/garcia/api/server/message/unSubAllTags"
)

// subOp is what a subscription path does; subNone is not one.
type subOp uint8

const (
	subNone subOp = iota
	subTags
	unsubTags
	getTags
	unsubAllTags
)

// addSubscriptionRoutes adds the tag subscription paths and sets Meizu's
// per-phone tag limit in the world.
func (e *Emulator) addSubscriptionRoutes() {
	e.w.SetTopicLimits(vendorName, world.TopicLimits{PerDevice: defMaxTags})
	e.paths[PathSubscribeTags] = route{sub: subTags}
	e.paths[PathUnSubscribeTags] = route{sub: unsubTags}
	e.paths[PathGetSubTags] = route{sub: getTags, get: true}
	e.paths[PathUnSubAllTags] = route{sub: unsubAllTags}
}

// subscription serves the tag subscription APIs: signed and rate-limited
// like every Meizu API, then the pushId's phone found.
func (e *Emulator) subscription(w http.ResponseWriter, r *http.Request, rt route) {
	var c call
	rej := c.begin(e, w, r, rt)
	var dev world.Device
	if rej.code == "" {
		dev, rej = c.subscriber()
	}
	var tags []string
	if rej.code == "" && (rt.sub == subTags || rt.sub == unsubTags) {
		tags, rej = c.tagList("tags")
	}
	if rej.code == "" {
		switch rt.sub {
		case subTags:
			rej = c.subscribeTags(dev, tags)
		case unsubTags:
			for _, t := range tags {
				_ = e.w.UnsubscribeTopic(dev.ID, t) // the phone exists: subscriber found it
			}
			c.entry.Reason = "unsubscribed " + strconv.Itoa(len(tags)) + " tag(s): " + truncate(strings.Join(tags, ","), 200)
		case unsubAllTags:
			mine, _ := e.w.DeviceTopics(dev.ID)
			for _, t := range mine {
				_ = e.w.UnsubscribeTopic(dev.ID, t)
			}
			c.entry.Reason = "unsubscribed all " + strconv.Itoa(len(mine)) + " tag(s)"
		case getTags:
			c.entry.Reason = "listed the tags"
		}
	}
	if rej.code != "" {
		c.refuse(w, rej)
		return
	}
	c.entry.Device = dev.ID
	var b []byte
	if rt.sub == unsubAllTags {
		b = append(make([]byte, 0, 64), `{"code":"200","message":"","value":true,"redirect":""}`...)
	} else {
		mine, _ := e.w.DeviceTopics(dev.ID)
		b = appendTagInfo(make([]byte, 0, 128), c.app.ID, dev.Token, mine)
	}
	c.accept(w, b, "", ruleTagSubscribe, c.entry.Reason)
}

// subscriber finds the phone of the app behind the form's pushId.
func (c *call) subscriber() (world.Device, rejection) {
	id := strings.TrimSpace(c.form.Get("pushId"))
	c.entry.Tokens = []string{id}
	switch {
	case id == "":
		return world.Device{}, rejection{codeEmpty, ruleTagSubscribe, "pushId is missing"}
	case !validPushID(id):
		return world.Device{}, rejection{codePushIDIllegal, ruleTagSubscribe, "not a pushId (3 upper-case letters or digits and 42 hex digits)"}
	}
	d, ok := c.e.w.DeviceByToken(vendorName, id)
	switch {
	case !ok || d.App != c.app.Name:
		return world.Device{}, rejection{codePushIDUnknown, ruleTagSubscribe, "no phone of app " + c.app.Name + " registered this pushId"}
	case d.Uninstalled:
		return world.Device{}, rejection{codePushIDUnknown, ruleTagSubscribe, "the app was uninstalled: its pushId is no longer registered"}
	}
	return d, rejection{}
}

// subscribeTags subscribes the phone to the tags it does not hold yet, all
// of them or none: more than the phone may hold is 1005.
func (c *call) subscribeTags(dev world.Device, tags []string) rejection {
	mine, _ := c.e.w.DeviceTopics(dev.ID)
	fresh := slices.DeleteFunc(slices.Clone(tags), func(t string) bool { return slices.Contains(mine, t) })
	if lim := c.e.w.TopicLimitsOf(vendorName, c.app.Name).PerDevice; len(mine)+len(fresh) > lim {
		return rejection{codeParameter, ruleTagDeviceMax, "the pushId holds " + strconv.Itoa(len(mine)) + " tags; " + strconv.Itoa(len(fresh)) + " more would pass its limit of " + strconv.Itoa(lim)}
	}
	for i, t := range fresh {
		if err := c.e.w.SubscribeTopic(dev.ID, t); err != nil {
			for _, done := range fresh[:i] {
				_ = c.e.w.UnsubscribeTopic(dev.ID, done)
			}
			rule := ruleTagSubscribe
			if errors.Is(err, world.ErrTopicLimit) {
				rule = ruleTagDeviceMax
			}
			return rejection{codeParameter, rule, "tag " + strconv.Quote(truncate(t, 40)) + ": " + err.Error()}
		}
	}
	c.entry.Reason = "subscribed " + strconv.Itoa(len(fresh)) + " new tag(s) of " + strconv.Itoa(len(tags)) + ": " + truncate(strings.Join(tags, ","), 200)
	return rejection{}
}

// appendTagInfo writes the subscription answer:
// {"code":"200","message":"","value":{"pushId":"…","tags":[{"tagId":1,"tagName":"体育"}]},"redirect":""}.
func appendTagInfo(b []byte, appID, pushID string, tags []string) []byte {
	b = append(b, `{"code":"200","message":"","value":{"pushId":`...)
	b = appendString(b, pushID)
	b = append(b, `,"tags":[`...)
	for i, t := range tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"tagId":`...)
		b = strconv.AppendUint(b, uint64(tagID(appID, t)), 10)
		b = append(b, `,"tagName":`...)
		b = appendString(b, t)
		b = append(b, '}')
	}
	return append(b, `]},"redirect":""}`...)
}

// tagID is a tag's number: the same for an app's tag every time, without
// a registry to keep (Meizu's own ids are not documented beyond "a long").
func tagID(appID, tag string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(appID))
	h.Write([]byte{0})
	h.Write([]byte(tag))
	return h.Sum32()&0x7fffffff | 1
}
