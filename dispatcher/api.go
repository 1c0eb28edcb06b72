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
	Reason          string    `json:"reason,omitempty"` // suppression reason or vendor text
	Code            string    `json:"code,omitempty"`   // vendor code
	VendorMessageID string    `json:"vendor_message_id,omitempty"`
	Attempts        int       `json:"attempts,omitempty"`
	At              time.Time `json:"at"`
}

// OutcomeFilter selects outcomes; empty fields match all.
type OutcomeFilter struct {
	MessageID, User, Device string
}
