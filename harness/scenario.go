package harness

import (
	"time"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators/faults"
)

// DefaultStart is when a scenario's virtual clock starts unless it says otherwise:
// a weekday morning in Shanghai, far from midnight.
var DefaultStart = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// Scenario is one story: who exists (Given), what happens (Steps) and what
// must be true at the end (Expect).
type Scenario struct {
	ID     string   `yaml:"id"`
	Title  string   `yaml:"title"`
	Rules  []string `yaml:"rules"`
	Labels []string `yaml:"labels"`
	// Vendor is what the scenario is about in reports; default: its apps'
	// vendor when they share one, else its folder.
	Vendor string `yaml:"vendor"`
	// Start is the virtual clock's start (RFC 3339); default DefaultStart.
	Start Time `yaml:"start"`
	// Seed makes tokens and ids reproducible; default 1.
	Seed uint64 `yaml:"seed"`
	// Skip, when set, is why the scenario is not run (verdict SKIPPED).
	Skip string `yaml:"skip"`
	// Needs is "builtin" when the scenario's expectations need the built-in
	// dispatcher's internals; it is then SKIPPED for black-box targets. Most
	// such scenarios are found from their steps (BlackBoxSkip); this marks
	// the rest.
	Needs  string  `yaml:"needs"`
	Given  Given   `yaml:"given"`
	Steps  []Step  `yaml:"steps"`
	Expect Expects `yaml:"expect"`

	// File is the scenario's file, relative to the suite root.
	File string `yaml:"-"`
	// Line is the line of the id key.
	Line int `yaml:"-"`
	// Source is the file's text.
	Source string `yaml:"-"`

	// crowds maps a crowd's name (a phone with count) to its phones.
	crowds map[string][]string
}

// Given is the world before the first step.
type Given struct {
	Apps   []AppSpec   `yaml:"apps"`
	Phones []PhoneSpec `yaml:"phones"`
	// Certificates override fields of the push certificate the harness
	// derives for an app (by app name), using push.Certificate's YAML keys.
	Certificates map[string]CertOverride `yaml:"certificates"`
}

// AppSpec is an app on a vendor's console. Empty credentials are filled in
// by the vendor (world.Vendor.DemoApp).
type AppSpec struct {
	Vendor     string            `yaml:"vendor"`
	Name       string            `yaml:"name"`
	ID         string            `yaml:"app_id"`
	Key        string            `yaml:"app_key"`
	Secret     string            `yaml:"app_secret"`
	Package    string            `yaml:"package"`
	Channels   []ChannelSpec     `yaml:"channels"`
	Privileges []string          `yaml:"privileges"`
	News       bool              `yaml:"news"`
	Quotas     map[string]int    `yaml:"quotas"`
	Settings   map[string]string `yaml:"settings"`
	Extra      map[string]string `yaml:"extra"`
	// Manifest is the app's AndroidManifest.xml (plain XML) that `tap`
	// resolves click actions against; "" = a launcher MainActivity.
	Manifest string `yaml:"manifest"`
	// BusinessID is the dispatcher's certificate id for the app; default:
	// its position in the list, from 1.
	BusinessID int `yaml:"business_id"`
	Line       int `yaml:"-"`
}

// ChannelSpec is a notification channel registered on the console.
type ChannelSpec struct {
	ID    string `yaml:"id"`
	Name  string `yaml:"name"`
	Class string `yaml:"class"` // private, public, default
}

// PhoneSpec is a simulated phone with one app installed.
type PhoneSpec struct {
	Name    string `yaml:"name"`
	Vendor  string `yaml:"vendor"` // default: the vendor of the app named
	App     string `yaml:"app"`    // default: the only app of the vendor
	Android int    `yaml:"android"`
	// User is the IM user the phone belongs to (login, background, ... use it).
	User             string   `yaml:"user"`
	Token            string   `yaml:"token"` // default: a fresh token in the vendor's format
	Platform         string   `yaml:"platform"`
	Offline          bool     `yaml:"offline"`
	NotificationsOff bool     `yaml:"notifications_off"`
	ChannelsOff      []string `yaml:"channels_off"`
	PhoneChannels    []string `yaml:"phone_channels"`
	Uninstalled      bool     `yaml:"uninstalled"`
	Test             bool     `yaml:"test"`
	// Count makes a crowd: Count phones named <name>-1 … <name>-N whose
	// users are <user>-1 … <user>-N. A session step naming the crowd acts
	// on each of its phones.
	Count int `yaml:"count"`
	Line  int `yaml:"-"`
}

// CertOverride is a partial push.Certificate: only the keys written in the
// scenario replace the derived certificate's fields (so `channel: ""`
// clears one).
type CertOverride struct {
	Cert push.Certificate
	Keys []string // YAML keys present
	Line int
}

// Step is one thing that happens. Exactly one of the action fields is set;
// Kind names it.
type Step struct {
	Kind string
	Line int

	Login      *SessionStep
	Logout     *SessionStep
	Kick       *SessionStep
	Foreground *SessionStep
	Background *SessionStep
	Token      *SessionStep
	Send       *SendStep
	Push       *PushStep
	Request    *RequestStep
	Advance    *Duration
	At         *Time
	Phone      map[string]PhoneChange
	Fault      *FaultStep
	Tap        *TapStep
	Subscribe  *SubscribeStep
	Expect     *Expects
}

// FaultStep injects faults into the emulators (emulators/faults): one rule
// or a list of them with the keys of POST /_pushsim/faults (vendor, app,
// path, token, share, times, after, action, code, status, retry_after,
// latency), or `fault: clear` to remove every rule.
type FaultStep struct {
	Clear bool
	Rules []faults.Rule
	Line  int
}

// SessionStep names a phone (and its user) for login, logout, kick,
// foreground and background. The scalar form `login: alice-phone` uses the
// phone's user.
type SessionStep struct {
	Phone  string `yaml:"phone"`
	User   string `yaml:"user"`
	Unread int    `yaml:"unread"` // background only
	// NoToken skips reporting the phone's token after login.
	NoToken bool `yaml:"no_token"`
	// Token is the token reported (login, token) instead of the phone's
	// own; ${tokens(1)} is one the vendor never issued.
	Token string `yaml:"token"`
	Line  int    `yaml:"-"`
}

// SendStep is an IM message handed to the dispatcher (dispatcher.Message).
// A member with a * (member-*) stands for the users of every phone whose
// user matches it.
type SendStep struct {
	ID          string     `yaml:"id"`
	From        string     `yaml:"from"`
	FromName    string     `yaml:"from_name"`
	To          string     `yaml:"to"`
	Group       string     `yaml:"group"`
	GroupName   string     `yaml:"group_name"`
	Members     StringList `yaml:"members"`
	Type        string     `yaml:"type"`
	Text        string     `yaml:"text"`
	Title       string     `yaml:"title"`
	Desc        string     `yaml:"desc"`
	Ext         string     `yaml:"ext"`
	Disable     bool       `yaml:"disable"`
	OPPOChannel *string    `yaml:"oppo_channel"`
	Sound       string     `yaml:"sound"`
	Line        int        `yaml:"-"`
}

// PushStep sends a vendor-neutral push.Push through the vendor client of an
// app, straight to phones or raw tokens (no IM decisions).
type PushStep struct {
	App         string            `yaml:"app"`
	Vendor      string            `yaml:"vendor"` // when app names repeat across vendors
	To          StringList        `yaml:"to"`     // phone names
	Tokens      StringList        `yaml:"tokens"` // raw tokens (${...} expanded)
	ID          string            `yaml:"id"`
	Title       string            `yaml:"title"`
	Body        string            `yaml:"body"`
	Ext         string            `yaml:"ext"`
	Extras      map[string]string `yaml:"extras"`
	PassThrough bool              `yaml:"pass_through"`
	Channel     string            `yaml:"channel"`    // "" = the certificate's
	NoChannel   bool              `yaml:"no_channel"` // send no channel even if the certificate has one
	Class       string            `yaml:"class"`
	Category    string            `yaml:"category"`
	Sound       string            `yaml:"sound"`
	Badge       int               `yaml:"badge"`
	NotifyID    string            `yaml:"notify_id"`
	Click       *ClickSpec        `yaml:"click"`
	TTL         Duration          `yaml:"ttl"`
	Raw         map[string]string `yaml:"raw"`
	// Times repeats the push (default 1); results are the last one's.
	Times int `yaml:"times"`
	Line  int `yaml:"-"`
}

// ClickSpec is a push's click action.
type ClickSpec struct {
	Type   string `yaml:"type"`
	Target string `yaml:"target"`
}

// RequestStep is a raw HTTP request to a vendor emulator; its response is
// kept for `expect: response`.
type RequestStep struct {
	Vendor  string            `yaml:"vendor"` // default: the scenario's only vendor
	Method  string            `yaml:"method"` // default POST
	Path    string            `yaml:"path"`   // the vendor's real path
	Headers map[string]string `yaml:"headers"`
	Form    Form              `yaml:"form"`
	JSON    any               `yaml:"json"`
	Body    string            `yaml:"body"`
	// Auth names an app whose credentials sign the request the vendor's way
	// (Xiaomi: Authorization: key=<AppSecret>).
	Auth string `yaml:"auth"`
	// Times repeats the request (default 1); the response is the last one's.
	Times int `yaml:"times"`
	// ID names the answer for later steps: ${<id>.value.taskId}.
	ID   string `yaml:"id"`
	Line int    `yaml:"-"`
}

// PhoneChange changes a phone's settings; unset fields stay.
type PhoneChange struct {
	Offline          *bool     `yaml:"offline"`
	NotificationsOff *bool     `yaml:"notifications_off"`
	ChannelsOff      *[]string `yaml:"channels_off"`
	PhoneChannels    *[]string `yaml:"phone_channels"`
	Uninstalled      *bool     `yaml:"uninstalled"`
	Android          *int      `yaml:"android"`
	Line             int       `yaml:"-"`
}

// Expects is an `expect:` block: one mapping or a list of them.
type Expects []Expect

// Expect is a set of checks on the world, the dispatcher and the last responses.
type Expect struct {
	// Phone checks what each named phone shows.
	Phone map[string]PhoneExpect `yaml:"phone"`
	// Response checks the last `request` step's response.
	Response *ResponseExpect `yaml:"response"`
	// Result checks the vendor client's results of the last `push` step,
	// by phone name or raw token.
	Result map[string]ResultExpect `yaml:"result"`
	// Outcome checks the dispatcher's outcome of the last `send` step (or of
	// Message, a send id) per phone.
	Outcome map[string]OutcomeExpect `yaml:"outcome"`
	Message string                   `yaml:"message"`
	// Ledger checks the emulators' ledger.
	Ledger []LedgerExpect `yaml:"ledger"`
	// Tap checks the last `tap` of each named phone (harness/tap.go).
	Tap  map[string]TapExpect `yaml:"tap"`
	Line int                  `yaml:"-"`
}

// PhoneExpect is what one phone shows. Notification fields (title, body,
// channel, ...) are checked on the newest shown notification.
type PhoneExpect struct {
	Shows      string            `yaml:"shows"` // "nothing" or "something"
	Count      *int              `yaml:"count"` // notifications shown
	Title      *string           `yaml:"title"`
	Body       *string           `yaml:"body"`
	Channel    *string           `yaml:"channel"`
	Class      *string           `yaml:"class"`
	Importance *string           `yaml:"importance"`
	Sound      *string           `yaml:"sound"`
	NotifyID   *string           `yaml:"notify_id"`
	Payload    *string           `yaml:"payload"`
	Click      *ClickExpect      `yaml:"click"`
	Extras     map[string]string `yaml:"extras"` // a subset of the newest notification's extras
	Badge      *int              `yaml:"badge"`  // the app's badge on the phone
	// Dropped is the rule of the newest notification the phone dropped.
	Dropped *string `yaml:"dropped"`
	// Because is a rule that explains why the phone did not show a push:
	// one of its dropped notifications, or a ledger entry naming the phone
	// or its token (a rejected request).
	Because *string `yaml:"because"`
	Inbox   *int    `yaml:"inbox"`   // pass-through messages the app received
	Pending *int    `yaml:"pending"` // pushes held for it (offline)
	Line    int     `yaml:"-"`
}

// ClickExpect is the newest notification's click action.
type ClickExpect struct {
	Type   *string           `yaml:"type"`
	Target *string           `yaml:"target"`
	Extras map[string]string `yaml:"extras"` // subset
}

// ResponseExpect checks a raw response.
type ResponseExpect struct {
	Status *int `yaml:"status"`
	// Code is the vendor's own code (Xiaomi: the JSON code field).
	Code *Scalar `yaml:"code"`
	// JSON maps dotted paths (data.bad_regids, results.0.code) to expected
	// values; null means absent.
	JSON     map[string]any    `yaml:"json"`
	Headers  map[string]string `yaml:"headers"`
	Contains string            `yaml:"contains"` // a substring of the body
	Line     int               `yaml:"-"`
}

// ResultExpect checks one push.Result.
type ResultExpect struct {
	Kind         *string `yaml:"kind"`
	Code         *Scalar `yaml:"code"`
	Reason       *string `yaml:"reason"` // a substring
	InvalidToken *bool   `yaml:"invalid_token"`
	Line         int     `yaml:"-"`
}

// OutcomeExpect checks one dispatcher.Outcome.
type OutcomeExpect struct {
	Kind     *string `yaml:"kind"`
	Code     *Scalar `yaml:"code"`
	Rule     *string `yaml:"rule"`   // the decision's rule id
	Reason   *string `yaml:"reason"` // a substring
	Attempts *int    `yaml:"attempts"`
	Badge    *int    `yaml:"badge"` // the badge number pushed
	Line     int     `yaml:"-"`
}

// LedgerExpect counts ledger entries matching every field set. Without
// Count at least one must match.
type LedgerExpect struct {
	Kind    string  `yaml:"kind"` // request or delivery
	Vendor  string  `yaml:"vendor"`
	App     string  `yaml:"app"`
	Phone   string  `yaml:"phone"`
	Verdict string  `yaml:"verdict"` // accepted, rejected, accepted-not-shown
	Code    *Scalar `yaml:"code"`
	Rule    string  `yaml:"rule"`
	Reason  string  `yaml:"reason"` // a substring
	// Path is a glob on the request's path as the vendor saw it (without
	// the /<vendor> prefix): "*/messages:send", "/v3/message/*".
	Path  string `yaml:"path"`
	Count *int   `yaml:"count"`
	Line  int    `yaml:"-"`
}
