package honor

import (
	"fmt"
	"strconv"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// plan is what every phone gets from one accepted message: its class and
// the notification as a MagicOS phone shows it. Per-phone parts (badge,
// the marketing cap) are applied in deliver.
type plan struct {
	n       world.Notification
	service bool // service & communication; else news & marketing
	notify  bool // a notification; else a data message for the app
	test    bool // android.targetUserType 1
	ttl     time.Duration
	badge   *badge
	rule    string // the classification rule for the ledger
	reason  string
}

// planFor classifies the message (§2.5) and maps its fields onto the phone (§2.3, §2.6).
func planFor(app *world.App, m *sendRequest) plan {
	pl := plan{notify: m.notify(), ttl: 86400 * time.Second} // documented default
	if a := m.Android; a != nil {
		if a.TTL != "" {
			pl.ttl, _ = parseTTL(a.TTL) // checked before
		}
		pl.test = a.TargetUserType == 1
	}
	data := m.data()
	n := world.Notification{Vendor: Vendor, App: app.Name, Payload: data, Extras: world.ExtrasOf(data)}
	if !pl.notify {
		// Data message: onMessageReceived(HonorPushDataMsg), not shown (§2.6).
		n.PassThrough = true
		pl.rule, pl.reason = RuleData, "data message, handed to the app"
		pl.n = n
		return pl
	}
	n.Title, n.Body = m.titleBody()
	an := m.an()
	importance := app.Setting("default_importance", importanceLow)
	if an != nil && an.Importance != "" {
		importance = an.Importance
	}
	pl.service = importance == importanceNormal && app.Has(PrivServiceRight)
	if pl.service {
		n.Class, n.Importance, n.Sound = world.ClassPrivate, importanceNormal, "default"
		pl.rule, pl.reason = RuleClassService, "service & communication (importance NORMAL): lock screen, sound and vibration"
	} else {
		// News & marketing: silent, shade only, text only (§2.5).
		n.Class, n.Importance, n.Silent = world.ClassPublic, importanceLow, true
		why := "importance LOW"
		switch {
		case importance == importanceNormal:
			why = "importance NORMAL without the service right"
		case an == nil || an.Importance == "":
			why = "no importance"
		}
		pl.rule, pl.reason = RuleClassMarketing, "news & marketing ("+why+"): silent, shade only, capped per phone per day"
	}
	if pl.test {
		pl.reason += "; a test message (targetUserType 1), not counted against the daily cap"
	}
	n.Click = world.Click{Type: world.ClickLauncher}
	if an != nil {
		if c := an.ClickAction; c != nil {
			switch c.Type {
			case 1:
				if c.Intent != "" {
					n.Click = world.Click{Type: world.ClickIntent, Target: c.Intent}
				} else {
					n.Click = world.Click{Type: world.ClickAction, Target: c.Action}
				}
			case 2:
				n.Click = world.Click{Type: world.ClickURL, Target: c.URL}
			}
		}
		if an.NotifyID != nil && *an.NotifyID >= 0 {
			n.NotifyID = strconv.Itoa(*an.NotifyID)
		} else if an.Tag != "" {
			n.NotifyID = "tag:" + an.Tag // the same tag replaces older ones
		}
		pl.badge = an.badge()
	}
	n.Click.Extras = n.Extras // the launched activity reads the data as extras
	pl.n = n
	return pl
}

// deliver applies the per-phone rules and hands the push to the phone.
func (e *Emulator) deliver(app *world.App, d *world.Device, pl *plan, rid string, seq uint64, now time.Time) {
	n := pl.n
	n.MessageID = rid
	if pl.notify && !pl.service && !pl.test {
		capN := 2
		if app.News {
			capN = 5
		}
		capN = app.Quota("marketing_daily", capN)
		if used, ok := e.w.Quotas().TakeDaily("honor/"+app.ID+"/marketing/"+d.ID, capN, now, world.Shanghai); !ok {
			e.w.Drop(d.ID, n, RuleMarketingCap, fmt.Sprintf("news & marketing cap: %d per phone per app per day, %d shown today", capN, used), seq) //nolint:errcheck // the phone exists
			return
		}
	}
	if b := pl.badge; b != nil && b.BadgeClass != "" && (b.SetNum != nil || b.AddNum != nil) {
		// Without badgeClass the launcher cannot tell which icon to badge.
		v := d.Badge
		if b.SetNum != nil {
			v = *b.SetNum // setNum wins over addNum
		} else {
			v += *b.AddNum
		}
		n.Badge = &v
	}
	e.w.Deliver(d.ID, n, world.DeliverOptions{TTL: pl.ttl, Request: seq}) //nolint:errcheck // the phone exists
}
