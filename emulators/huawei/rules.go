package huawei

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, in scenarios and in reports.
const (
	RuleOAuthGrant        = "huawei.oauth.grant-type"
	RuleOAuthClientID     = "huawei.oauth.client-id"
	RuleOAuthSecret       = "huawei.oauth.client-secret"
	RuleOAuthIssued       = "huawei.oauth.issued"
	RuleOAuthFlowControl  = "huawei.oauth.flow-control"
	RuleAuthInvalid       = "huawei.auth.invalid"
	RuleAuthExpired       = "huawei.auth.expired"
	RuleAuthJWT           = "huawei.auth.service-account-jwt"
	RuleAppPermission     = "huawei.app.permission"
	RuleMessageStructure  = "huawei.message.structure"
	RuleMessageTarget     = "huawei.message.target"
	RuleMessageTokenCount = "huawei.message.token-count"
	RuleMessageSize       = "huawei.message.size"
	RuleMessageParams     = "huawei.message.params"
	RuleCollapseKey       = "huawei.message.collapse-key"
	RuleImportanceHigh    = "huawei.importance.high-right"
	RuleContentSensitive  = "huawei.content.sensitive-word"
	RuleContentEmpty      = "huawei.content.empty"
	RuleContentEncoding   = "huawei.content.invalid-encoding"
	RuleContentControls   = "huawei.content.control-chars"
	RuleTokensAllInvalid  = "huawei.tokens.all-invalid"
	RuleTokensPartial     = "huawei.tokens.partial"
	RuleValidateOnly      = "huawei.send.validate-only"
	RuleSendV2            = "huawei.send.v2-path"
	RuleClassService      = "huawei.classification.service"
	RuleClassMarketing    = "huawei.classification.marketing"
	RuleMarketingCap      = "huawei.classification.marketing-daily-cap"
	RuleDeviceCap         = "huawei.frequency.device-daily-cap"
	RuleChannelImportance = "huawei.channel.importance"
	RuleClickAction       = "huawei.click.action"
	RuleBadge             = "huawei.badge.number"
	RuleSound             = "huawei.sound.service"
	RuleData              = "huawei.data.extras"
	RuleTTL               = "huawei.ttl.offline"
	RuleOfflineCollapse   = "huawei.offline.collapse-key"
	RuleOfflineCache      = "huawei.offline.cache"
)

const (
	srcAuth  = "vendor-facts/huawei-oppo-fcm-honor.md §1.2"
	srcReq   = "vendor-facts/huawei-oppo-fcm-honor.md §1.3"
	srcResp  = "vendor-facts/huawei-oppo-fcm-honor.md §1.4"
	srcRules = "vendor-facts/huawei-oppo-fcm-honor.md §1.5"
	srcClick = "vendor-facts/huawei-oppo-fcm-honor.md §1.6"
)

var rules = []world.Rule{
	rule(RuleOAuthGrant, "The token endpoint only grants client_credentials", world.MUST, srcAuth, "inferred"),
	rule(RuleOAuthClientID, "client_id must be 1-64 digits (sub_error 20002) and a known app (20003)", world.MUST, srcAuth, "documented"),
	rule(RuleOAuthSecret, "client_secret must be present (20171) and right (12304); url-encoded and raw secrets are both accepted", world.MUST, srcAuth, "documented"),
	rule(RuleOAuthIssued, "An access token is a Bearer token valid for 3600 s", world.MUST, srcAuth, "documented"),
	rule(RuleOAuthFlowControl, "At most 1000 access tokens per app per 5 minutes", world.MUST, srcAuth, "documented"),
	rule(RuleAuthInvalid, "A missing, malformed or other app's access token is refused with 80200001", world.MUST, srcResp, "documented"),
	rule(RuleAuthJWT, "A v1 send may carry a service-account JWT (PS256, kid = key_id, iss = sub_account, aud = the token URL) instead of an OAuth access token; one that does not verify or belongs to another app gets 80200001, an expired one 80200003", world.MUST, srcAuth+" (v1/v2 Authorization may carry a service-account JWT)", "documented"),
	rule(RuleAuthExpired, "An expired access token is refused with 80200003", world.MUST, srcResp, "documented"),
	rule(RuleAppPermission, "An app without push permission, or an unknown appId in the URL, gets 80300002", world.MUST, srcResp, "documented"),
	rule(RuleMessageStructure, "A body that is not the documented JSON structure (bad JSON, wrong field types) gets 80100003", world.MUST, srcResp, "documented"),
	rule(RuleMessageTarget, "Exactly one of token, topic and condition must be set", world.MUST, srcReq, "documented"),
	rule(RuleMessageTokenCount, "A message carries 1 to 1000 tokens, else 80300010 (also for a missing message)", world.MUST, srcResp, "documented"),
	rule(RuleMessageSize, "A message body over 4096 bytes, tokens excluded, gets 80300008", world.MUST, srcRules, "documented"),
	rule(RuleMessageParams, "Field values are checked (click action, ttl, importance, category, badge, style, urls; title and body in notification or android.notification only when message.notification is present; multi_lang_key values of at most 3 languages; light_settings with every field and all four color components) else 80100001", world.MUST, srcReq, "documented"),
	rule(RuleCollapseKey, "collapse_key must be -1..100, else 80100013", world.MUST, srcReq, "documented"),
	rule(RuleImportanceHigh, "HIGH importance needs the high-importance right, else 80300011", world.MUST, srcReq, "inferred"),
	rule(RuleContentSensitive, "A title, body, other shown text or data holding a sensitive word (world content filter: PUT /_pushsim/content/huawei, App.Settings content.sensitive_words or sensitive_words) gets 80100016 `Anti-Spam: word is forbidden in [CONTENT]`", world.MUST, srcRules+"; vendor-facts/addendum-gaps-closed.md §5", "secondary"),
	rule(RuleContentEmpty, "A notification whose title or body has nothing to show (only whitespace, punctuation, symbols that are not emoji, control characters) is accepted and never shown (no code documented)", world.SHOULD, "vendor-facts/addendum-gaps-closed.md §5 (All: simple characters filtered)", "inferred"),
	rule(RuleContentEncoding, "A body that is not valid UTF-8, or that escapes a lone surrogate (\\ud800), is a parameter error (80100001)", world.MUST, srcReq, "inferred"),
	rule(RuleContentControls, "Control characters other than newline and tab in the title or body are stripped on the phone, which shows the rest", world.INFO, "vendor-facts/addendum-gaps-closed.md §5 (All: characters a phone cannot render)", "inferred"),
	rule(RuleTokensAllInvalid, "When no token is valid for the app the answer is 80300007", world.MUST, srcResp, "documented"),
	rule(RuleTokensPartial, "When some tokens are invalid the answer is 80100000 with msg {\"success\",\"failure\",\"illegal_tokens\"} as a JSON string", world.MUST, srcResp, "documented"),
	rule(RuleSendV2, "POST /v2/{projectId}/messages:send is the v1 send addressed by the app's project id: same body, OAuth token and answers; an unknown project id gets 80300002", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §1.1", "documented"),
	rule(RuleValidateOnly, "validate_only checks the message and delivers nothing", world.MUST, srcReq, "documented"),
	rule(RuleClassService, "With the self-classification right and a service category, a message is service & communication: shown with sound", world.MUST, srcRules, "documented"),
	rule(RuleClassMarketing, "Without the self-classification right, without category, or with MARKETING, a message is news & marketing: shown silently", world.MUST, srcRules, "documented"),
	rule(RuleMarketingCap, "News & marketing: at most 2 per device per app per day (5 for news apps), more are dropped; resets at Shanghai midnight", world.MUST, srcRules, "documented"),
	rule(RuleDeviceCap, "More than 3000 messages per device per app per day are dropped", world.MUST, srcRules, "secondary"),
	rule(RuleChannelImportance, "channel_id is honoured only for NORMAL and HIGH importance; LOW goes to the marketing channel", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §1.3 (channel_id)", "documented"),
	rule(RuleClickAction, "click_action type 1 (intent or action), 2 (https url), 3 (launcher) is what a tap does", world.MUST, srcClick, "documented"),
	rule(RuleBadge, "badge set_num (0-99) sets and add_num (1-99) adds to the app's badge; set_num wins", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §1.3 (badge)", "secondary"),
	rule(RuleSound, "sound / default_sound decide the ring of a service message", world.SHOULD, "vendor-facts/huawei-oppo-fcm-honor.md §1.3 (sound)", "documented"),
	rule(RuleData, "message.data / android.data is handed to the app on tap", world.MUST, srcClick, "documented"),
	rule(RuleTTL, "android.ttl (default 86400 s, at most 15 days) is how long an offline phone's message is kept", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §1.3 (ttl)", "documented"),
	rule(RuleOfflineCollapse, "android.collapse_key 0..100 groups an offline phone's messages: only the newest of a group is kept and shown when it comes back, the older are never shown; -1 (default) keeps every message", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §1.3 (collapse_key)", "documented"),
	rule(RuleOfflineCache, "At most 10 messages are kept for an offline phone and shown when it comes back (App.Quotas offline_cache); the oldest are dropped (which ones the docs do not say)", world.MUST, srcRules+" (offline cache)", "documented"),
}

func rule(id, statement, level, source, confidence string) world.Rule {
	return world.Rule{ID: id, Vendor: vendor, Statement: statement, Level: level, Source: source, Confidence: confidence}
}
