package huawei

import (
	"github.com/pushsim/pushsim/emulators/world"
)

// Rule ids of the v3 (HarmonyOS NEXT) API.
const (
	RuleV3AuthJWT       = "huawei.v3.auth-jwt"
	RuleV3AuthProject   = "huawei.v3.auth-project"
	RuleV3AuthExpired   = "huawei.v3.auth-expired"
	RuleV3AuthLifetime  = "huawei.v3.auth-lifetime"
	RuleV3AppPermission = "huawei.v3.app-permission"
	RuleV3PushType      = "huawei.v3.push-type"
	RuleV3Payload       = "huawei.v3.payload"
	RuleV3Options       = "huawei.v3.push-options"
	RuleV3TokenCount    = "huawei.v3.token-count"
	RuleV3Size          = "huawei.v3.size"
	RuleV3TestMessage   = "huawei.v3.test-message"
	RuleV3Platform      = "huawei.v3.platform"
	RuleV3Partial       = "huawei.v3.tokens-partial"
	RuleV3AllInvalid    = "huawei.v3.tokens-all-invalid"
	RuleV3PushTypeRight = "huawei.v3.push-type-right"
	RuleV3Alert         = "huawei.v3.alert"
	RuleV3Classify      = "huawei.v3.classification"
	RuleV3Badge         = "huawei.v3.badge"
	RuleV3Extension     = "huawei.v3.extension"
	RuleV3Background    = "huawei.v3.background"
	RuleV3VoIP          = "huawei.v3.voip"
	RuleV3Widget        = "huawei.v3.widget"
	RuleV3LiveView      = "huawei.v3.live-view"
	RuleV3TTL           = "huawei.v3.ttl"
	RuleV3CollapseKey   = "huawei.v3.collapse-key"
	RuleV3Revoke        = "huawei.v3.revoke"
)

// Privileges of the v3 scenes that need one (noPushTypeRight without it).
const (
	PrivVoiceBroadcast = "voice-broadcast" // push-type 2
	PrivLiveView       = "live-view"       // push-type 7
	PrivVoIPCall       = "voip-call"       // push-type 10
)

// Result codes of the v3 API (§1.7; texts from Huawei's v3 response page).
const (
	codeJWTExpired  = "80200005"
	codeTestLimit   = "80300029"
	codeTestTokens  = "80300030"
	codeJWTLifetime = "80300036"
)

var v3Text = map[string]string{
	codeSuccess:      "Success",
	codePartial:      "Check Parameter Partial Success",
	codeParam:        "Check Parameter Error",
	codeStructure:    "Illegal payload",
	codeSensitive:    "Anti-Spam: word is forbidden in [CONTENT]",
	codeAuth:         "Authentication Error",
	codeJWTExpired:   "Jwt token expired",
	codeNoPermission: "No permission to send message to these tmIDs",
	codeAllInvalid:   "All the tokens are invalid",
	codeTooBig:       "Push message size is too long",
	codeTokenCount:   "token count should within 1 and 1000",
	codeTestLimit:    "When send test message, the api request exceed limit",
	codeTestTokens:   "When send test message, token count exceed limit",
	codeJWTLifetime:  "JWT expire period over threshold",
	codeInternal:     "Inner Error",
}

// v3Status is the HTTP status of a v3 code: the v3 doc lists 200, 400
// (parameters), 401 (authentication), 500 and 503 (flow control); which
// code comes with which is read from the meanings. App.Settings
// "http_status.<code>" / "http_status" override, as for v1.
func v3Status(code string, app *world.App) int { return statusOf(code, app, codeJWTExpired) }

const (
	srcV3      = "vendor-facts/apns-honor-huawei-v3.md §3"
	srcV3Auth  = "vendor-facts/apns-honor-huawei-v3.md §3.2; huawei-oppo-fcm-honor.md §1.7"
	srcV3Req   = "vendor-facts/apns-honor-huawei-v3.md §3.3"
	srcV3Codes = "vendor-facts/huawei-oppo-fcm-honor.md §1.7 (v3 business codes)"
	srcV3Lim   = "vendor-facts/apns-honor-huawei-v3.md §3.5"
	srcV3Click = "vendor-facts/apns-honor-huawei-v3.md §3.6"
)

func init() {
	rules = append(rules,
		rule(RuleV3AuthJWT, "POST /v3/{projectId}/messages:send takes `Authorization: Bearer <JWT>`: a PS256 JWT (RSASSA-PSS SHA-256) with kid = the key file's key_id, iss = its sub_account, aud = the token URL (the key file's token_uri accepted), signed with its private key; anything else, an OAuth 2.0 token included, gets 80200001", world.MUST, srcV3Auth, "documented"),
		rule(RuleV3AuthProject, "A JWT of one project used in another project's URL gets 80200001", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3AuthExpired, "A JWT past its exp gets 80200005", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3AuthLifetime, "A JWT valid for more than a day (exp - iat) gets 80300036", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3AppPermission, "An app with Push Kit switched off gets 80300002", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3PushType, "The push-type header must be 0 (alert), 1 (widget), 2 (extension/voice), 6 (background), 7 (live view) or 10 (VoIP call); else 80100001", world.MUST, srcV3Req, "documented"),
		rule(RuleV3Payload, "The payload must have the push-type's shape (alert: notification with category, title, body, clickAction; background and VoIP: extraData; widget: formId, moduleName, formName, abilityName, formData; ...) else 80100003 `Illegal payload, <tips>`", world.MUST, srcV3Req+"; "+srcV3Codes, "documented"),
		rule(RuleV3Options, "pushOptions.ttl is 0..1296000 s (default 86400), collapseKey -1..100 and only for push-types 0 and 2, biTag at most 64 bytes; else 80100001", world.MUST, srcV3Req, "documented"),
		rule(RuleV3TokenCount, "target.token holds 1 to 1000 tokens, exactly 1 for a widget; else 80300010", world.MUST, srcV3Req+"; "+srcV3Codes, "documented"),
		rule(RuleV3Size, "A body over 4096 bytes without its tokens gets 80300008", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3TestMessage, "A test message (pushOptions.testMessage) carries at most 10 tokens (1 for a widget; else 80300030); a project sends 1000 a day (App.Quotas v3_test_daily; then 80300029); test messages are not counted against the marketing cap", world.MUST, srcV3Req+"; "+srcV3Lim, "documented"),
		rule(RuleV3Platform, "A HarmonyOS NEXT phone (platform harmony) only takes v3: its token in a v1 send is an illegal token; an Android phone's token in a v3 send fails with reason noRight", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §1 (v1/v2 serve Android and HarmonyOS 3/4, v3 HarmonyOS NEXT); "+srcV3Codes+" (noRight)", "documented"),
		rule(RuleV3Partial, "When some tokens fail the answer is 80100000 and msg is a JSON string {\"illegalTokens\":{\"<reason>\":[...]},\"failure\":N}; the rest are delivered", world.MUST, srcV3Codes, "secondary"),
		rule(RuleV3AllInvalid, "When every token fails the answer is 80300007 with the same msg (reasons tokenFormatError, noRight, noPushTypeRight, notSupportPlayVoice)", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3PushTypeRight, "Extension (2), live view (7) and VoIP (10) messages need the scene's right (App.Privileges voice-broadcast, live-view, voip-call); without it every token fails with noPushTypeRight", world.MUST, srcV3Codes, "documented"),
		rule(RuleV3Alert, "An alert (push-type 0) is shown: clickAction actionType 0 opens the home ability, 1 the ability of action or uri, and its data reaches the app; a notifyId replaces the notification with the same id", world.MUST, srcV3Req+"; "+srcV3Click, "documented"),
		rule(RuleV3Classify, "With the self-classification right a service category (IM, VOIP, SUBSCRIPTION, ...) is shown with sound; MARKETING (and NEWS, PROMO, CONTENT_RECOMMENDATION, SOCIAL_DYNAMICS), or any category without the right, is news & marketing: silent and capped per phone per day", world.MUST, srcV3Req+"; "+srcV3Lim, "documented"),
		rule(RuleV3Badge, "notification.badge addNum (1-99) adds to and setNum sets the app's badge; a badge-only alert (no title or body) updates the badge without showing anything and needs the self-classification right with category IM", world.MUST, srcV3Req+"; "+srcV3Lim, "documented"),
		rule(RuleV3Extension, "An extension message (push-type 2) is shown as sent (the extension ability may rewrite it) with extraData for the app; category PLAY_VOICE only goes with push-type 2 (notSupportPlayVoice otherwise)", world.MUST, srcV3Req+"; "+srcV3Click, "documented"),
		rule(RuleV3Background, "A background message (push-type 6) hands extraData to the app and shows nothing", world.MUST, srcV3Req+"; "+srcV3Click, "documented"),
		rule(RuleV3VoIP, "An in-app call message (push-type 10) hands extraData to the app (the call screen) and shows no notification", world.MUST, srcV3Req+"; "+srcV3Click, "documented"),
		rule(RuleV3Widget, "A widget update (push-type 1) goes to exactly one token and hands formData to the app's widget; nothing is shown", world.MUST, srcV3Req, "documented"),
		rule(RuleV3LiveView, "A live view (push-type 7) shows its card (contentTitle, contentText) and an update of the same activityId replaces it (the layouts are not emulated)", world.SHOULD, srcV3Req, "secondary"),
		rule(RuleV3TTL, "pushOptions.ttl (default 86400 s) is how long an offline phone's message is kept", world.MUST, srcV3Req, "documented"),
		rule(RuleV3CollapseKey, "collapseKey 0-100 groups a phone's offline messages: only the newest of a group is shown when it comes online; -1 (default) keeps all (the current doc's reading; the older one differs)", world.SHOULD, srcV3Req, "secondary"),
		rule(RuleV3Revoke, "POST /v1/{clientId}/messages:revoke (same JWT, push-type 0 or 2 only) with notifyId and tokens takes back the notification with that notifyId, shown or not yet delivered; answers like a send", world.MUST, srcV3+".1", "documented"),
	)
}
