package huawei

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Push types of the v3 push-type header (§3.3).
const (
	pushAlert      = 0
	pushWidget     = 1
	pushExtension  = 2
	pushBackground = 6
	pushLiveView   = 7
	pushVoIP       = 10
)

// v3Request is the body of POST /v3/{projectId}/messages:send; payload
// is decoded per push-type.
type v3Request struct {
	Payload     json.RawMessage `json:"payload"`
	Target      *v3Target       `json:"target"`
	PushOptions *v3Options      `json:"pushOptions"`
}

type v3Target struct {
	Token []string `json:"token"`
}

type v3Options struct {
	TestMessage    bool            `json:"testMessage"`
	TTL            *int64          `json:"ttl"`
	BiTag          string          `json:"biTag"`
	ReceiptID      string          `json:"receiptId"`
	CollapseKey    *int            `json:"collapseKey"`
	BackgroundMode json.RawMessage `json:"backgroundMode"` // meaning not found (§3.7): accepted, ignored
}

type v3Notification struct {
	Category       string   `json:"category"`
	Title          string   `json:"title"`
	Body           string   `json:"body"`
	ClickAction    *v3Click `json:"clickAction"`
	Image          string   `json:"image"`
	Style          int      `json:"style"`
	BigTitle       string   `json:"bigTitle"`
	BigBody        string   `json:"bigBody"`
	InboxContent   []string `json:"inboxContent"`
	NotifyID       *int     `json:"notifyId"`
	AppMessageID   string   `json:"appMessageId"`
	ProfileID      string   `json:"profileId"`
	Badge          *v3Badge `json:"badge"`
	ForegroundShow *bool    `json:"foregroundShow"`
	Sound          string   `json:"sound"`
	ExtraData      string   `json:"extraData"`
}

type v3Click struct {
	ActionType *int            `json:"actionType"`
	Action     string          `json:"action"`
	URI        string          `json:"uri"`
	Data       json.RawMessage `json:"data"`
}

type v3Badge struct {
	AddNum *int `json:"addNum"`
	SetNum *int `json:"setNum"`
}

type alertPayload struct {
	Notification *v3Notification `json:"notification"`
	ExtraData    string          `json:"extraData"` // push-type 2
}

type extraPayload struct {
	ExtraData *string `json:"extraData"`
}

type widgetPayload struct {
	FormID      *int64          `json:"formId"`
	Version     *int64          `json:"version"`
	Images      json.RawMessage `json:"images"`
	ModuleName  string          `json:"moduleName"`
	FormName    string          `json:"formName"`
	AbilityName string          `json:"abilityName"`
	FormData    json.RawMessage `json:"formData"`
}

type liveViewPayload struct {
	ActivityID   *int64 `json:"activityId"`
	Operation    *int   `json:"operation"`
	Event        string `json:"event"`
	Status       string `json:"status"`
	ActivityData *struct {
		NotificationData *struct {
			ContentTitle string `json:"contentTitle"`
			ContentText  []struct {
				Text string `json:"text"`
			} `json:"contentText"`
			ClickAction *v3Click `json:"clickAction"`
		} `json:"notificationData"`
	} `json:"activityData"`
}

// Categories a v3 notification may carry (§3.3: the demo's enum and
// MISS_CALL of the current doc). Which of the demo's extra names the
// server still accepts is not known; all are accepted.
var (
	v3ServiceCategories = []string{"IM", "VOIP", "SUBSCRIPTION", "TRAVEL", "HEALTH", "WORK", "ACCOUNT", "EXPRESS", "FINANCE",
		"DEVICE_REMINDER", "SYSTEM_REMINDER", "MAIL", "CUSTOMER_SERVICE", "MISS_CALL", "PLAY_VOICE"}
	// Marketing and the content categories are news & marketing (capped).
	v3MarketingCategories = []string{"MARKETING", "NEWS", "CONTENT_RECOMMENDATION", "SOCIAL_DYNAMICS", "PROMO"}
)

// illegal is v3's payload problem: 80100003 "Illegal payload, <tips>".
func illegal(format string, args ...any) *problem {
	return &problem{code: codeStructure, rule: RuleV3Payload, detail: fmt.Sprintf(format, args...)}
}

// v3Plan is what every phone gets from one accepted v3 message.
type v3Plan struct {
	pushType  int
	n         world.Notification
	show      bool // a notification for the shade; else for the app
	service   bool
	badgeOnly bool
	badge     *v3Badge
	test      bool
	ttl       time.Duration
	collapse  int // -1: none
	rule      string
	reason    string
	category  string
	needs     string // the privilege the push-type needs ("" none)
}

// planV3 decodes and checks the payload for its push-type (§3.3, §3.6) and
// maps it onto the phone.
func planV3(app *world.App, pushType int, req *v3Request) (v3Plan, *problem) {
	pl := v3Plan{pushType: pushType, ttl: 86400 * time.Second, collapse: -1}
	n := world.Notification{Vendor: vendor, App: app.Name}
	if len(req.Payload) == 0 || string(req.Payload) == "null" {
		return pl, illegal("payload is required")
	}
	switch pushType {
	case pushAlert, pushExtension:
		var p alertPayload
		if err := json.Unmarshal(req.Payload, &p); err != nil {
			return pl, payloadTypeProblem(err, "payload.")
		}
		if p.Notification == nil {
			return pl, illegal("payload.notification is required for push-type %d", pushType)
		}
		pr := checkV3Notification(app, pushType, p.Notification)
		if pr != nil {
			return pl, pr
		}
		nn := p.Notification
		pl.category = nn.Category
		pl.badge = nn.Badge
		pl.badgeOnly = nn.Title == "" && nn.Body == "" && nn.Badge != nil
		pl.service = app.Has(PrivSelfClassification) && slices.Contains(v3ServiceCategories, nn.Category)
		n.Title, n.Body = nn.Title, nn.Body
		if nn.NotifyID != nil && *nn.NotifyID >= 0 {
			n.NotifyID = strconv.Itoa(*nn.NotifyID)
		}
		n.Click = v3ClickOf(nn.ClickAction)
		if nn.ClickAction != nil && len(nn.ClickAction.Data) > 0 && string(nn.ClickAction.Data) != "null" {
			n.Payload = string(nn.ClickAction.Data)
			n.Extras = world.ExtrasOf(n.Payload)
			n.Click.Extras = n.Extras
		}
		if pl.service {
			n.Class, n.Importance, n.Sound = world.ClassPrivate, importanceNormal, "default"
			if nn.Sound != "" {
				n.Sound = nn.Sound
			}
			pl.rule, pl.reason = RuleV3Classify, "service & communication (category "+nn.Category+")"
		} else {
			n.Class, n.Importance, n.Silent = world.ClassPublic, importanceLow, true
			why := "category " + nn.Category
			if !app.Has(PrivSelfClassification) && !slices.Contains(v3MarketingCategories, nn.Category) {
				why = "the app has no self-classification right"
			}
			pl.rule, pl.reason = RuleV3Classify, "news & marketing ("+why+"): silent, capped per phone per day"
		}
		pl.show = !pl.badgeOnly
		if pushType == pushExtension {
			pl.needs = PrivVoiceBroadcast
			n.Payload = p.ExtraData
			if n.Payload == "" {
				n.Payload = nn.ExtraData
			}
			pl.rule, pl.reason = RuleV3Extension, "extension message (push-type 2), shown as sent; "+pl.reason
		} else if pl.badgeOnly {
			pl.rule, pl.reason = RuleV3Badge, "badge-only alert: the badge changes, nothing is shown"
		}
	case pushBackground, pushVoIP:
		var p extraPayload
		if err := json.Unmarshal(req.Payload, &p); err != nil {
			return pl, payloadTypeProblem(err, "payload.")
		}
		if p.ExtraData == nil {
			return pl, illegal("payload.extraData is required for push-type %d", pushType)
		}
		n.Payload, n.PassThrough = *p.ExtraData, true
		n.Extras = world.ExtrasOf(n.Payload)
		if pushType == pushVoIP {
			pl.needs = PrivVoIPCall
			pl.rule, pl.reason = RuleV3VoIP, "in-app call message (push-type 10): extraData to the app's call screen, no notification"
		} else {
			pl.rule, pl.reason = RuleV3Background, "background message (push-type 6): extraData cached for the app, nothing shown, the app is not started"
		}
	case pushWidget:
		var p widgetPayload
		if err := json.Unmarshal(req.Payload, &p); err != nil {
			return pl, payloadTypeProblem(err, "payload.")
		}
		switch {
		case p.FormID == nil:
			return pl, illegal("formId is required")
		case p.ModuleName == "" || p.FormName == "" || p.AbilityName == "":
			return pl, illegal("moduleName, formName and abilityName are required")
		case len(p.FormData) > 0 && p.FormData[0] != '{':
			return pl, illegal("formData must be an object")
		}
		n.Payload, n.PassThrough = string(p.FormData), true
		n.Extras = world.ExtrasOf(n.Payload)
		pl.rule, pl.reason = RuleV3Widget, fmt.Sprintf("widget update (push-type 1) of form %d, handed to the widget; nothing shown", *p.FormID)
	case pushLiveView:
		var p liveViewPayload
		if err := json.Unmarshal(req.Payload, &p); err != nil {
			return pl, payloadTypeProblem(err, "payload.")
		}
		if p.ActivityID == nil || p.Event == "" {
			return pl, illegal("activityId and event are required")
		}
		nd := (*struct {
			ContentTitle string `json:"contentTitle"`
			ContentText  []struct {
				Text string `json:"text"`
			} `json:"contentText"`
			ClickAction *v3Click `json:"clickAction"`
		})(nil)
		if p.ActivityData != nil {
			nd = p.ActivityData.NotificationData
		}
		if p.Operation == nil || *p.Operation == 0 {
			if nd == nil || nd.ContentTitle == "" || len(nd.ContentText) == 0 {
				return pl, illegal("a new live view needs activityData.notificationData with contentTitle and contentText")
			}
		}
		if nd != nil {
			n.Title = nd.ContentTitle
			var b strings.Builder
			for _, t := range nd.ContentText {
				b.WriteString(t.Text)
			}
			n.Body = b.String()
			n.Click = v3ClickOf(nd.ClickAction)
		}
		n.NotifyID = "liveview:" + strconv.FormatInt(*p.ActivityID, 10)
		n.Class, n.Importance = world.ClassPrivate, importanceNormal
		pl.show, pl.service, pl.needs = true, true, PrivLiveView
		pl.rule, pl.reason = RuleV3LiveView, "live view "+p.Event+" (push-type 7): its card is shown, an update of the same activity replaces it"
	}
	if o := req.PushOptions; o != nil {
		if o.TTL != nil {
			if *o.TTL < 0 || *o.TTL > 1296000 {
				return pl, &problem{codeParam, RuleV3Options, fmt.Sprintf("pushOptions.ttl %d must be 0 to 1296000 seconds", *o.TTL)}
			}
			pl.ttl = time.Duration(*o.TTL) * time.Second
		}
		if o.CollapseKey != nil {
			switch {
			case pushType != pushAlert && pushType != pushExtension:
				return pl, &problem{codeParam, RuleV3Options, "pushOptions.collapseKey is only for push-types 0 and 2"}
			case *o.CollapseKey < -1 || *o.CollapseKey > 100:
				return pl, &problem{codeParam, RuleV3Options, fmt.Sprintf("pushOptions.collapseKey %d must be -1 to 100", *o.CollapseKey)}
			}
			pl.collapse = *o.CollapseKey
		}
		if len(o.BiTag) > 64 {
			return pl, &problem{codeParam, RuleV3Options, "pushOptions.biTag is longer than 64 bytes"}
		}
		pl.test = o.TestMessage
	}
	if pl.test {
		pl.reason += "; a test message"
	}
	pl.n = n
	return pl, nil
}

// checkV3Notification applies the field rules of payload.notification.
func checkV3Notification(app *world.App, pushType int, n *v3Notification) *problem {
	switch {
	case n.Category == "":
		return illegal("category is required")
	case !slices.Contains(v3ServiceCategories, n.Category) && !slices.Contains(v3MarketingCategories, n.Category):
		return illegal("category %q is not a category", n.Category)
	}
	if b := n.Badge; b != nil {
		if b.AddNum != nil && (*b.AddNum < 1 || *b.AddNum > 99) {
			return illegal("badge addNum value ranges from 1 to 99")
		}
		if b.SetNum != nil && (*b.SetNum < 0 || *b.SetNum > 99) {
			return illegal("badge setNum value ranges from 0 to 99")
		}
	}
	if n.Title == "" && n.Body == "" && n.Badge != nil && pushType == pushAlert {
		// A badge-only update (§3.3): needs the IM self-classification right.
		if !app.Has(PrivSelfClassification) || n.Category != "IM" {
			return &problem{codeStructure, RuleV3Badge, "a badge-only message needs the self-classification right and category IM (else title and body are required)"}
		}
		return nil
	}
	switch {
	case n.Title == "":
		return illegal("title is required")
	case n.Body == "":
		return illegal("body is required")
	case n.ClickAction == nil:
		return illegal("clickAction is required")
	case n.Image != "" && !strings.HasPrefix(n.Image, "https://"):
		return illegal("image must be an https url")
	case len(n.ProfileID) > 64:
		return illegal("profileId is longer than 64 characters")
	case n.NotifyID != nil && *n.NotifyID < -1:
		return illegal("notifyId %d must be -1 or more", *n.NotifyID)
	}
	if id := n.AppMessageID; id != "" {
		if len(id) > 64 || strings.IndexFunc(id, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+/=_- \t", r))
		}) >= 0 {
			return illegal("appMessageId must be 1 to 64 characters of A-Z a-z 0-9 + / = _ - and spaces")
		}
	}
	switch n.Style {
	case 0:
	case 1: // deprecated big text
		if n.BigTitle == "" || n.BigBody == "" {
			return illegal("style 1 needs bigTitle and bigBody")
		}
	case 3:
		if len(n.InboxContent) < 1 || len(n.InboxContent) > 5 {
			return illegal("style 3 needs 1 to 5 inboxContent lines")
		}
	default:
		return illegal("style %d is not 0 or 3", n.Style)
	}
	c := n.ClickAction
	switch {
	case c.ActionType == nil:
		return illegal("clickAction.actionType is required")
	case *c.ActionType != 0 && *c.ActionType != 1:
		return illegal("clickAction.actionType %d must be 0 or 1", *c.ActionType)
	case *c.ActionType == 1 && c.Action == "" && c.URI == "":
		return illegal("clickAction.actionType 1 needs action or uri")
	case len(c.Data) > 0 && string(c.Data) != "null" && c.Data[0] != '{':
		return illegal("clickAction.data must be a JSON object")
	}
	return nil
}

// v3ClickOf is what a tap does on HarmonyOS (§3.6): actionType 0 opens the
// home ability (the launcher), 1 the ability whose skills match action
// and/or uri.
func v3ClickOf(c *v3Click) world.Click {
	if c == nil || c.ActionType == nil || *c.ActionType == 0 {
		return world.Click{Type: world.ClickLauncher}
	}
	if c.URI != "" {
		return world.Click{Type: world.ClickIntent, Target: c.URI}
	}
	return world.Click{Type: world.ClickAction, Target: c.Action}
}

// payloadTypeProblem is a body whose fields have the wrong types; prefix
// is "payload." when the payload was decoded on its own.
func payloadTypeProblem(err error, prefix string) *problem {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return illegal("field %s%s must be %s, not %s", prefix, te.Field, te.Type, te.Value)
	}
	return illegal("payload is not a JSON object")
}
