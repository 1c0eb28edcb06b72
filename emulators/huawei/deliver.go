package huawei

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// plan is what every phone gets from one accepted message: its class and
// the notification as EMUI would show it. Per-phone parts (badge, caps) are
// applied in deliver.
type plan struct {
	n          world.Notification
	service    bool // service & communication; else news & marketing
	notify     bool // a notification; else a data message for the app
	importance string
	ttl        time.Duration
	collapse   int // android.collapse_key; -1: none (offline.go)
	badge      *badge
	rule       string // classification rule for the ledger
	reason     string
}

// planFor classifies the message (§1.5) and maps its fields onto the phone (§1.3, §1.6).
func planFor(app *world.App, m *message) plan {
	var pl plan
	a := m.Android
	var an *androidNotification
	if a != nil {
		an = a.Notification
	}
	pl.notify = m.Notification != nil || an != nil
	category := ""
	if a != nil {
		category = a.Category
	}
	selfClass := app.Has(PrivSelfClassification)
	pl.service = selfClass && category != "" && category != "MARKETING"

	pl.ttl = 86400 * time.Second // documented default
	if a != nil && a.TTL != "" {
		pl.ttl, _ = parseTTL(a.TTL)
	}
	pl.collapse = -1
	if a != nil && a.CollapseKey != nil {
		pl.collapse = *a.CollapseKey
	}
	data := m.Data
	if a != nil && a.Data != "" {
		data = a.Data
	}
	n := world.Notification{Vendor: vendor, App: app.Name, Payload: data, Extras: world.ExtrasOf(data)}
	if !pl.notify {
		n.PassThrough = true
		pl.rule = RuleData
		pl.reason = "data message, handed to the app"
		pl.n = n
		return pl
	}

	if m.Notification != nil {
		n.Title, n.Body = m.Notification.Title, m.Notification.Body
	}
	importance := importanceNormal
	if an != nil {
		if an.Title != "" {
			n.Title = an.Title
		}
		if an.Body != "" {
			n.Body = an.Body
		}
		if an.Importance != "" {
			importance = an.Importance
		}
	}
	pl.importance = importance
	if pl.service {
		n.Class = world.ClassPrivate
		pl.rule = RuleClassService
		pl.reason = "service & communication (category " + category + ", importance " + importance + ")"
	} else {
		// News & marketing is shown silently, in the marketing channel.
		n.Class = world.ClassPublic
		importance = importanceLow
		pl.rule = RuleClassMarketing
		why := "no category"
		switch {
		case !selfClass:
			why = "the app has no self-classification right"
		case category == "MARKETING":
			why = "category MARKETING"
		}
		pl.reason = "news & marketing (" + why + "): shown silently, capped per device per day"
	}
	n.Importance = importance
	n.Silent = importance == importanceLow
	n.HeadsUp = importance == importanceHigh
	n.Click = world.Click{Type: world.ClickLauncher}
	if an != nil {
		if importance != importanceLow {
			n.Channel = an.ChannelID // low importance goes to the marketing channel
		}
		if !n.Silent {
			n.Sound = "default"
			if an.Sound != "" && !an.DefaultSound {
				n.Sound = an.Sound
			}
		}
		if an.NotifyID != nil {
			n.NotifyID = strconv.Itoa(*an.NotifyID)
		} else if an.Tag != "" {
			n.NotifyID = "tag:" + an.Tag
		}
		if c := an.ClickAction; c != nil {
			n.Click = clickOf(c)
		}
		pl.badge = an.Badge
	} else if !n.Silent {
		n.Sound = "default"
	}
	n.Click.Extras = n.Extras
	pl.n = n
	return pl
}

func clickOf(c *clickAction) world.Click {
	switch c.Type {
	case 1:
		if c.Intent != "" { // intent wins over action
			return world.Click{Type: world.ClickIntent, Target: c.Intent}
		}
		return world.Click{Type: world.ClickAction, Target: c.Action}
	case 2:
		return world.Click{Type: world.ClickURL, Target: c.URL}
	case 4:
		return world.Click{Type: world.ClickURL, Target: c.RichResource}
	}
	return world.Click{Type: world.ClickLauncher}
}

// deliver applies the per-phone rules and hands the push to the phone.
func (e *Emulator) deliver(app *world.App, d *world.Device, pl *plan, rid string, seq uint64, now time.Time) {
	n := pl.n
	n.MessageID = rid
	q := e.w.Quotas()
	limit := app.Quota("device_daily", 3000)
	if _, ok := q.TakeDaily("huawei/"+app.ID+"/device/"+d.ID, limit, now, world.Shanghai); !ok {
		e.w.Drop(d.ID, n, RuleDeviceCap, fmt.Sprintf("more than %d messages from the app to this phone today", limit), seq) //nolint:errcheck // the phone exists
		return
	}
	if pl.notify && !pl.service {
		capN := 2
		if app.News {
			capN = 5
		}
		capN = app.Quota("marketing_daily", capN)
		if used, ok := q.TakeDaily("huawei/"+app.ID+"/marketing/"+d.ID, capN, now, world.Shanghai); !ok {
			e.w.Drop(d.ID, n, RuleMarketingCap, fmt.Sprintf("news & marketing cap: %d per device per app per day, %d shown today", capN, used), seq) //nolint:errcheck // the phone exists
			return
		}
	}
	if b := pl.badge; b != nil && b.Class != "" && (b.SetNum != nil || b.AddNum != nil) {
		// Without class the launcher cannot tell which icon to badge.
		v := d.Badge
		if b.SetNum != nil {
			v = *b.SetNum // set_num wins over add_num
		} else {
			v += *b.AddNum
		}
		n.Badge = &v
	}
	if n.Channel != "" && !d.HasPhoneChannel(n.Channel) {
		// A channel the app never created: HMS posts to its default channel (inferred).
		n.Channel = ""
	}
	opts := world.DeliverOptions{TTL: pl.ttl, Request: seq, HoldKey: holdKey(pl.collapse), Store: offlineStore(app)}
	e.w.Deliver(d.ID, n, opts) //nolint:errcheck // the phone exists
}
