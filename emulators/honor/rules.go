package honor

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, in scenarios and in reports.
const (
	RuleAuthGrant         = "honor.auth.grant-type"
	RuleAuthClient        = "honor.auth.client"
	RuleAuthIssued        = "honor.auth.issued"
	RuleAuthFlowControl   = "honor.auth.flow-control"
	RuleSendBearer        = "honor.send.bearer"
	RuleSendExpired       = "honor.send.token-expired"
	RuleSendTimestamp     = "honor.send.timestamp"
	RuleSendFlowControl   = "honor.send.flow-control"
	RuleAppPermission     = "honor.app.permission"
	RuleMessageStructure  = "honor.message.structure"
	RuleMessageParams     = "honor.message.params"
	RuleMessageTokenCount = "honor.message.token-count"
	RuleMessageSize       = "honor.message.size"
	RuleClickAction       = "honor.click.action"
	RuleBadge             = "honor.badge.number"
	RuleNotifyID          = "honor.notify.replace"
	RuleClassService      = "honor.classification.service"
	RuleClassMarketing    = "honor.classification.marketing"
	RuleMarketingCap      = "honor.classification.marketing-daily-cap"
	RuleTestMessage       = "honor.test.daily-cap"
	RuleTokensFail        = "honor.tokens.fail"
	RuleTokensExpire      = "honor.tokens.expire"
	RuleTokensAllInvalid  = "honor.tokens.all-invalid"
	RuleData              = "honor.data.message"
	RuleTTL               = "honor.ttl.offline"
	RuleContentSensitive  = "honor.content.sensitive-word"
	RuleContentEmpty      = "honor.content.empty"
	RuleContentEncoding   = "honor.content.invalid-encoding"
	RuleContentControls   = "honor.content.control-chars"
)

const (
	srcEndpoints = "vendor-facts/apns-honor-huawei-v3.md §2.1"
	srcAuth      = "vendor-facts/apns-honor-huawei-v3.md §2.2"
	srcReq       = "vendor-facts/apns-honor-huawei-v3.md §2.3"
	srcResp      = "vendor-facts/apns-honor-huawei-v3.md §2.4"
	srcLimits    = "vendor-facts/apns-honor-huawei-v3.md §2.5"
	srcClick     = "vendor-facts/apns-honor-huawei-v3.md §2.6"
	srcHuawei    = "; code chosen as Huawei's (huawei-oppo-fcm-honor.md §1.4): Honor's code table is not found (§2.7)"
	srcContent   = "vendor-facts/addendum-gaps-closed.md §5 (All)"
)

var rules = []world.Rule{
	rule(RuleAuthGrant, "The token endpoint (POST /auth/token or the realm path /auth/realms/developer/protocol/openid-connect/token) only grants client_credentials; another grant_type gets HTTP 400 {\"error\":\"unsupported_grant_type\"}", world.MUST, srcAuth+"; error shape is Keycloak's (Honor's IAM), not found (§2.7)", "inferred"),
	rule(RuleAuthClient, "A missing, unknown or wrong client_id / client_secret gets HTTP 401 {\"error\":\"invalid_client\"} and no token", world.MUST, srcAuth+"; error shape is Keycloak's, not found (§2.7)", "inferred"),
	rule(RuleAuthIssued, "Both token paths answer {access_token, expires_in, token_type} for the Client ID and Client Secret; the token is valid for 3600 s (what clients assume)", world.MUST, srcEndpoints+"; "+srcAuth, "secondary"),
	rule(RuleAuthFlowControl, "At most 1000 access tokens per app per 5 minutes (App.Quotas oauth_tokens_per_5min), then HTTP 503 {\"error\":\"temporarily_unavailable\"}", world.SHOULD, srcAuth+"; Huawei's documented limit (huawei-oppo-fcm-honor.md §1.2), Honor's is not found", "inferred"),
	rule(RuleSendBearer, "A send without a valid access token (missing, forged, another app's) gets code 80200001; the bare token without \"Bearer \" is accepted unless App.Settings strict_bearer", world.MUST, srcAuth+srcHuawei, "inferred"),
	rule(RuleSendExpired, "An access token past its lifetime gets code 80200003; the client fetches a new one", world.MUST, srcAuth+srcHuawei, "inferred"),
	rule(RuleSendTimestamp, "With App.Settings strict_timestamp the timestamp header must be epoch milliseconds within 10 minutes of now (80100001); by default a missing header or seconds are accepted", world.SHOULD, srcAuth, "inferred"),
	rule(RuleSendFlowControl, "More than the app's QPS (App.Quotas qps, default 6000) sends in a second are refused with HTTP 503 and code 81000001: retry later", world.SHOULD, srcLimits+"; Huawei's floor and answer (huawei-oppo-fcm-honor.md §1.5), Honor's QPS limit is not found", "inferred"),
	rule(RuleAppPermission, "An appId in the path that is no app, or an app with push switched off, gets code 80300002", world.MUST, srcEndpoints+srcHuawei, "inferred"),
	rule(RuleMessageStructure, "A body that is not the documented JSON (bad JSON, wrong field types) gets code 80100003", world.MUST, srcReq+srcHuawei, "inferred"),
	rule(RuleMessageParams, "Field values are checked (title and body present, https image, style 1 needs bigTitle/bigBody, importance NORMAL or LOW, ttl ≤ 15 days, targetUserType 0 or 1, at most 3 buttons, given as an array or, as one client sends it, one button object) else code 80100001", world.MUST, srcReq+srcHuawei, "secondary"),
	rule(RuleMessageTokenCount, "A request carries 1 to 1000 tokens, else code 80300010", world.MUST, srcReq+"; the 1000 is Huawei's (§2.5 not found)", "inferred"),
	rule(RuleMessageSize, "A body over 4096 bytes, tokens excluded, gets code 80300008", world.MUST, srcLimits+"; the 4096 is Huawei's (§2.5 not found)", "inferred"),
	rule(RuleClickAction, "android.notification.clickAction is required: type 1 opens the app page of intent (wins) or action, type 2 an https url, type 3 the launcher page; anything else gets 80100001", world.MUST, srcClick, "secondary"),
	rule(RuleBadge, "badge {addNum 0-99 (0 adds nothing), setNum 0-99, badgeClass} sets (setNum wins) or adds to the app's badge when badgeClass names the launcher activity", world.SHOULD, srcReq, "secondary"),
	rule(RuleNotifyID, "A notification with the notifyId (or tag) of one on the phone replaces it", world.SHOULD, srcReq, "secondary"),
	rule(RuleClassService, "importance NORMAL (with the service right) is service & communication: lock screen, sound and vibration, small image, no daily cap", world.MUST, srcLimits, "documented"),
	rule(RuleClassMarketing, "importance LOW, no importance, or NORMAL without the service right is news & marketing: silent, shade only, text only", world.MUST, srcLimits+"; the downgrade without the right is Huawei's (§2.5 not found)", "secondary"),
	rule(RuleMarketingCap, "News & marketing: at most 2 per phone per app per day (5 for news apps; App.Quotas marketing_daily), more are accepted and dropped; resets at Shanghai midnight", world.MUST, srcLimits, "secondary"),
	rule(RuleTestMessage, "A test message (android.targetUserType 1) is not counted against the marketing cap; an app may send 1000 a day (App.Quotas test_daily), then code 80300029", world.MUST, srcLimits+"; the over-limit code is Huawei v3's test-message limit (80300029)", "secondary"),
	rule(RuleTokensFail, "Tokens that are not Honor tokens of this app are listed in data.failTokens; the rest are sent (code 200, sendResult true)", world.MUST, srcResp, "secondary"),
	rule(RuleTokensExpire, "Honor tokens no phone holds any more (expired, replaced) are listed in data.expireTokens and should be deleted; the rest are sent", world.MUST, srcResp, "secondary"),
	rule(RuleTokensAllInvalid, "When no token can be sent the answer is code 80300007 with sendResult false and the tokens in failTokens / expireTokens", world.MUST, srcResp+srcHuawei, "inferred"),
	rule(RuleData, "A body with data and no notification is a data message handed to the app (onMessageReceived), not shown; a notification's data (android.data wins) reaches the app on tap byte for byte", world.MUST, srcReq+"; "+srcClick, "secondary"),
	rule(RuleTTL, "android.ttl (\"86400s\" by default, at most 15 days) is how long an offline phone's message is kept", world.MUST, srcReq, "secondary"),
	rule(RuleContentSensitive, "A title, body, other shown text or data holding a sensitive word (world content filter) gets code 80100016", world.MUST, srcContent+srcHuawei, "inferred"),
	rule(RuleContentEmpty, "A notification whose title or body has nothing to show is accepted and never shown", world.SHOULD, srcContent, "inferred"),
	rule(RuleContentEncoding, "A body that is not valid UTF-8, or that escapes a lone surrogate, gets code 80100001", world.MUST, srcContent+srcHuawei, "inferred"),
	rule(RuleContentControls, "Control characters other than newline and tab in the title or body are stripped on the phone, which shows the rest", world.INFO, srcContent, "inferred"),
	world.FaultRuleOf(Vendor),
}

func rule(id, statement, level, source, confidence string) world.Rule {
	return world.Rule{ID: id, Vendor: Vendor, Statement: statement, Level: level, Source: source, Confidence: confidence}
}
