package fcm

import (
	"maps"
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

// deliver hands an accepted message to the phone; for a phone FCM cannot
// reach it goes to FCM's offline store (offlineStore) under its collapse key.
func (e *Emulator) deliver(app *world.App, dev *world.Device, n world.Notification, ck string, ttl time.Duration, seq uint64) {
	_, _ = e.w.Deliver(dev.ID, n, world.DeliverOptions{TTL: ttl, Request: seq, HoldKey: ck, Store: offlineStore(app)})
}

// offlineStore is what FCM keeps for a phone it cannot reach
// (vendor-facts/huawei-oppo-fcm-honor.md §3.3 collapse_key, §3.5; Firebase,
// "Non-collapsible and collapsible messages",
// https://firebase.google.com/docs/cloud-messaging/customize-messages/collapsible-message-types):
//
//   - the newest message per collapse_key (data messages too: collapsing is
//     the store's, not the notification's). Only an explicit collapse_key
//     collapses: that notification messages collapse under the package name
//     is not applied, as before;
//   - at most 4 collapse keys (App.Quotas collapse_keys). FCM keeps four
//     "with no determining factor on which keys are kept": the emulator
//     keeps the earlier four and does not store the fifth;
//   - at most 100 messages (App.Quotas pending_messages): "If the limit is
//     reached, all stored messages are discarded" and the app's
//     onDeletedMessages() is called on reconnect (FCM Data API,
//     droppedTooManyPendingMessages). The 101st is discarded with them.
//     Messages stored under a collapse key count too (at most four).
//
// A negative quota switches a bound off (the world's PendingCap still holds).
func offlineStore(app *world.App) world.OfflineStore {
	return world.OfflineStore{
		Limit:        max(app.Quota("pending_messages", defPendingMessages), 0),
		Overflow:     world.OverflowDiscardAll,
		OverflowRule: RulePendingDiscard,
		Keys:         max(app.Quota("collapse_keys", defCollapseKeys), 0),
		KeysRule:     RuleCollapseMaxKeys,
		ReplacedRule: RuleCollapseLatest,
	}
}
