package fcm

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// notificationFor builds what the phone gets (vendor-facts §3.3, §3.6) and a
// note for the ledger when the phone changes something (the channel).
func notificationFor(app *world.App, dev *world.Device, m *message, name, id string) (world.Notification, string) {
	title, body := m.texts()
	data := m.data()
	n := world.Notification{MessageID: name, Vendor: Vendor, App: app.Name, Title: title, Body: body}
	if len(data) > 0 {
		n.Extras = data // decoded for this request only: nobody else holds it
	}
	if !m.isNotification() {
		// Data-only: handed to FirebaseMessagingService.onMessageReceived.
		n.PassThrough = true
		return n, "data-only message: handed to the app, not shown"
	}
	var an androidNotification
	priority := ""
	collapse := app.Package
	if a := m.Android; a != nil {
		if a.Notification != nil {
			an = *a.Notification
		}
		priority = strings.ToUpper(a.Priority)
		if a.CollapseKey != "" {
			collapse = a.CollapseKey
		}
	}
	if priority == "" {
		priority = "NORMAL"
	}
	n.Importance = priority
	note := ""
	n.Channel, note = channelFor(app, dev, an.ChannelID)
	n.Sound = an.Sound
	if n.Sound == "" && an.DefaultSound {
		n.Sound = "default"
	}
	switch an.NotificationPriority {
	case "PRIORITY_HIGH", "PRIORITY_MAX":
		n.HeadsUp = true
	case "PRIORITY_MIN":
		n.Silent = true
	}
	n.NotifyID = an.Tag
	if an.NotificationCount != nil {
		c := int(*an.NotificationCount)
		n.Badge = &c
	}
	// A tap opens the activity whose intent filter matches click_action, or
	// the launcher activity; the data map and FCM's own keys arrive as the
	// intent's extras.
	n.Click = world.Click{Type: world.ClickLauncher}
	if an.ClickAction != "" {
		n.Click = world.Click{Type: world.ClickAction, Target: an.ClickAction}
	}
	n.Click.Extras = make(map[string]string, len(data)+3)
	maps.Copy(n.Click.Extras, data)
	n.Click.Extras["from"] = app.Extra[ExtraSenderID]
	n.Click.Extras["google.message_id"] = id
	n.Click.Extras["collapse_key"] = collapse
	return n, note
}

// channelFor resolves the channel a notification lands in on Android 8+: the
// requested one if the app created it, else the app's default channel
// (App.Settings default_channel, else FCM's fallback channel).
func channelFor(app *world.App, dev *world.Device, requested string) (string, string) {
	if dev.Android > 0 && dev.Android < 26 {
		return "", "" // no channels before Android 8
	}
	def := app.Setting("default_channel", DefaultChannel)
	if requested == "" {
		return def, ""
	}
	created := dev.HasPhoneChannel(requested)
	if dev.PhoneChannels == nil {
		_, created = app.Channel(requested)
	}
	if created {
		return requested, ""
	}
	return def, "channel_id " + requested + " was not created by the app: shown in the default channel " + def + " (" + RuleChannelFallback + ")"
}

// heldSet is the collapse keys FCM stores for one offline phone.
type heldSet map[string]heldMsg

type heldMsg struct {
	n       world.Notification
	expires time.Time
}

// deliver hands an accepted message to the phone. For an offline phone FCM
// stores at most one message per collapse key (the newest) and at most four
// keys (App.Quotas collapse_keys); see collapseOffline.
func (e *Emulator) deliver(app *world.App, dev *world.Device, n world.Notification, ck string, ttl time.Duration, seq uint64, now time.Time) {
	opts := world.DeliverOptions{TTL: ttl, Request: seq}
	if dev.Offline && ck != "" && !n.PassThrough && ttl > 0 {
		if !e.collapseOffline(app, dev, &n, ck, ttl, seq, now) {
			return
		}
	}
	_, _ = e.w.Deliver(dev.ID, n, opts)
}

// collapseOffline applies FCM's collapse-key storage for an offline phone and
// reports whether n is still to be handed to the world.
//
// The world holds messages for offline phones but cannot withdraw one, so a
// superseded message is recorded as dropped now and n takes over its notify
// id (its tag, else "fcm.collapse:<key>"): when the phone comes online the
// held messages are shown in order and the newest replaces the older in the
// shade, keeping the first one's notify id.
func (e *Emulator) collapseOffline(app *world.App, dev *world.Device, n *world.Notification, ck string, ttl time.Duration, seq uint64, now time.Time) bool {
	pending := 0
	if sh, err := e.w.Shade(dev.ID); err == nil {
		pending = sh.Pending
	}
	limit := app.Quota("collapse_keys", defCollapseKeys)
	if n.NotifyID == "" {
		n.NotifyID = "fcm.collapse:" + ck
	}
	e.mu.Lock()
	e.freshLocked()
	hs := e.held[dev.ID]
	if pending == 0 || hs == nil {
		hs = heldSet{} // the phone came online since: the world delivered what it held
	}
	for k, h := range hs {
		if !now.Before(h.expires) {
			delete(hs, k)
		}
	}
	old, superseded := hs[ck]
	if superseded {
		// Take over the notify id of the message held first under this
		// key, so that showing the held messages in order leaves this one.
		n.NotifyID = old.n.NotifyID
	}
	full := !superseded && limit >= 0 && len(hs) >= limit
	if !full {
		hs[ck] = heldMsg{n: *n, expires: now.Add(ttl)}
	}
	e.held[dev.ID] = hs
	e.mu.Unlock()

	switch {
	case full:
		_ = e.w.Drop(dev.ID, *n, RuleCollapseMaxKeys, "the phone is offline and FCM already stores messages under "+
			strconv.Itoa(len(hs))+" other collapse keys (at most "+strconv.Itoa(limit)+"): "+ck+" is not stored", seq)
		return false
	case superseded:
		_ = e.w.Drop(dev.ID, old.n, RuleCollapseLatest, "superseded while the phone was offline by "+n.MessageID+
			" with the same collapse key "+ck+": FCM stores only the newest", seq)
	}
	return true
}
