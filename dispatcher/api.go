package dispatcher

import (
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
)

// Message is an IM message as the backend hands it to offline push (the
// guide's V2TIMMessage + V2TIMOfflinePushInfo).
type Message struct {
	ID        string   `json:"id,omitempty"` // assigned when empty
	From      string   `json:"from"`
	FromName  string   `json:"from_name,omitempty"` // sender's nickname: the default title
	To        string   `json:"to,omitempty"`        // 1:1 receiver
	Group     string   `json:"group,omitempty"`
	GroupName string   `json:"group_name,omitempty"` // the default title for group messages
	Members   []string `json:"members,omitempty"`    // group members (the sender is skipped)
	Type      string   `json:"type,omitempty"`       // text (default), image, voice, file, video, custom
	Text      string   `json:"text,omitempty"`
	// OfflinePushInfo
	Title       string  `json:"title,omitempty"`
	Desc        string  `json:"desc,omitempty"`
	Ext         string  `json:"ext,omitempty"`
	Disable     bool    `json:"disable,omitempty"`
	OPPOChannel *string `json:"oppo_channel,omitempty"` // overrides the certificate's channel
	Sound       string  `json:"sound,omitempty"`        // Android sound (Huawei, Xiaomi, FCM)
}

// Outcome is how one (message, device) ended. There is exactly one per pair.
type Outcome struct {
	MessageID       string    `json:"message_id"`
	User            string    `json:"user"`
	Device          string    `json:"device"`
	Vendor          string    `json:"vendor,omitempty"`
	BusinessID      int       `json:"business_id,omitempty"`
	Token           string    `json:"token,omitempty"`
	Kind            push.Kind `json:"kind"`
	Rule            string    `json:"rule,omitempty"`   // the decision's rule id (im.logout.no-push, ...)
	Reason          string    `json:"reason,omitempty"` // suppression reason or vendor text
	Code            string    `json:"code,omitempty"`   // vendor code
	VendorMessageID string    `json:"vendor_message_id,omitempty"`
	Attempts        int       `json:"attempts,omitempty"` // vendor calls made for this device
	Badge           int       `json:"badge,omitempty"`    // the badge number pushed
	At              time.Time `json:"at"`
}

// OutcomeFilter selects outcomes; empty fields match all.
type OutcomeFilter struct {
	MessageID, User, Device string
}

// Match reports whether o passes the filter.
func (f OutcomeFilter) Match(o *Outcome) bool {
	return (f.MessageID == "" || f.MessageID == o.MessageID) &&
		(f.User == "" || f.User == o.User) &&
		(f.Device == "" || f.Device == o.Device)
}

// Message types.
const (
	TypeText   = "text"
	TypeImage  = "image"
	TypeVoice  = "voice"
	TypeFile   = "file"
	TypeVideo  = "video"
	TypeCustom = "custom"
)

// Suppression reasons (Outcome.Reason of a suppressed outcome).
const (
	ReasonForeground   = "foreground"
	ReasonLoggedOut    = "logged-out"
	ReasonKicked       = "kicked"
	ReasonDisabled     = "disabled"
	ReasonCustomNoDesc = "custom-without-desc"
	ReasonNoToken      = "no-token"
)

// Rule ids of the decisions, as scenarios and reports name them.
const (
	RuleLogout          = "im.logout.no-push"
	RuleKick            = "im.kick.no-push"
	RuleForeground      = "im.foreground.online-only"
	RuleBadge           = "im.background.badge"
	RuleCustomNeedsDesc = "im.custom.needs-desc"
	RuleDisable         = "im.disable.no-push"
	RuleNoToken         = "im.token.none"
	RulePlaceholder     = "im.message.placeholder"
	RuleTitleSender     = "im.title.default-sender"
	RuleTitleGroup      = "im.title.default-group"
	RuleExtRoundTrip    = "im.ext.round-trip"
	RuleClickAction     = "im.cert.click-action"
	RuleSoundOverride   = "im.sound.override"
	RuleOPPOChannel     = "im.oppo.channel-override"
	RuleGroupFanout     = "im.group.fan-out"
	RuleBatchPerVendor  = "im.batch.per-vendor"
	RuleInvalidToken    = "im.token.invalid-removed"
	RuleQuotaNoRetry    = "im.quota.no-retry"
	RuleRetryBackoff    = "im.retry.backoff"
)
