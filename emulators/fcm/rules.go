package fcm

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, in scenarios and in reports.
const (
	RuleAuthGrantType = "fcm.auth.grant-type"
	RuleAuthAssertion = "fcm.auth.assertion"
	RuleAuthIssuer    = "fcm.auth.issuer"
	RuleAuthSignature = "fcm.auth.signature"
	RuleAuthAudience  = "fcm.auth.audience"
	RuleAuthLifetime  = "fcm.auth.lifetime"
	RuleAuthScope     = "fcm.auth.scope"
	RuleAuthIssued    = "fcm.auth.issued"
	RuleAuthBearer    = "fcm.auth.bearer"
	RuleAuthProject   = "fcm.auth.project"

	RuleMessageJSON         = "fcm.message.json"
	RuleBodySize            = "fcm.message.body-size"
	RuleMessageTarget       = "fcm.message.target"
	RuleMessageEnum         = "fcm.message.values"
	RuleTokenFormat         = "fcm.token.format"
	RuleTokenUnregistered   = "fcm.token.unregistered"
	RuleTokenSenderMismatch = "fcm.token.sender-id-mismatch"
	RuleDataReserved        = "fcm.data.reserved-key"
	RuleDataStrings         = "fcm.data.string-values"
	RulePayloadSize         = "fcm.payload.size"
	RuleAndroidTTL          = "fcm.android.ttl"
	RuleRestrictedPackage   = "fcm.android.restricted-package"
	RuleValidateOnly        = "fcm.send.validate-only"

	RuleQuotaProject      = "fcm.quota.project-minute"
	RuleQuotaDeviceMinute = "fcm.quota.device-minute"
	RuleQuotaDeviceHour   = "fcm.quota.device-hour"
	RuleQuotaCollapsible  = "fcm.quota.collapsible-burst"
	RuleServerUnavailable = "fcm.server.unavailable"
	RuleServerInternal    = "fcm.server.internal"

	RuleNotification    = "fcm.notification.fields"
	RuleChannelFallback = "fcm.channel.fallback"
	RuleTag             = "fcm.notification.tag"
	RuleClickAction     = "fcm.click.action"
	RuleDataOnly        = "fcm.data.to-app"
	RuleTTL             = "fcm.ttl.offline"
	RuleCollapseLatest  = "fcm.collapse.latest"
	RuleCollapseMaxKeys = "fcm.collapse.max-keys"
	RulePendingDiscard  = "fcm.offline.pending-limit"

	RuleTopicSend      = "fcm.topic.send"
	RuleTopicCondition = "fcm.topic.condition"
	RuleTopicManage    = "fcm.topic.manage"
	RuleTopicMax       = "fcm.topic.max-per-device"
	RuleTopicRate      = "fcm.topic.manage-rate"

	RuleContentWord     = "fcm.content.sensitive-word"
	RuleContentEmpty    = "fcm.content.empty"
	RuleContentEncoding = "fcm.content.invalid-encoding"
	RuleContentControls = "fcm.content.control-chars"
)

const (
	srcAuth   = "vendor-facts/huawei-oppo-fcm-honor.md §3.2"
	srcReq    = "vendor-facts/huawei-oppo-fcm-honor.md §3.3"
	srcErrors = "vendor-facts/huawei-oppo-fcm-honor.md §3.4"
	srcLimits = "vendor-facts/huawei-oppo-fcm-honor.md §3.5"
	srcPhone  = "vendor-facts/huawei-oppo-fcm-honor.md §3.6"
	srcIID    = "vendor-facts/huawei-oppo-fcm-honor.md §3.5 (topic subscription add/remove); https://developers.google.com/instance-id/reference/server (batchAdd, batchRemove); firebase-admin-go messaging/topic_mgt.go; firebase-admin-node TOPIC_MGT_SERVER_TO_CLIENT_CODE"
	srcTopics = "vendor-facts/huawei-oppo-fcm-honor.md §3.3, §3.5; https://firebase.google.com/docs/cloud-messaging/send-topic-messages"
	// The 100-message store limit is not in the vendor facts (§3.5 has the collapse keys only).
	srcCollapsible = "vendor-facts/huawei-oppo-fcm-honor.md §3.5; https://firebase.google.com/docs/cloud-messaging/customize-messages/collapsible-message-types (limit of 100 stored messages); FCM Data API MessageOutcomePercents.droppedTooManyPendingMessages"
)

func rule(id, statement, level, source, confidence string) world.Rule {
	return world.Rule{ID: id, Vendor: Vendor, Statement: statement, Level: level, Source: source, Confidence: confidence}
}

var rules = []world.Rule{
	rule(RuleAuthGrantType, "POST /token takes a form with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer; another grant type → 400 unsupported_grant_type", world.MUST, srcAuth, "documented"),
	rule(RuleAuthAssertion, "The form carries assertion, a compact RS256-signed JWT; missing → 400 invalid_request, malformed → 400 invalid_grant", world.MUST, srcAuth, "documented"),
	rule(RuleAuthIssuer, "iss is the client_email of a service account registered for a Firebase project, else 400 invalid_grant `Invalid grant: account not found`", world.MUST, srcAuth, "documented"),
	rule(RuleAuthSignature, "The JWT header is alg RS256 with kid = the key file's private_key_id, and the signature verifies with that key, else 400 invalid_grant `Invalid JWT Signature.`", world.MUST, srcAuth, "documented"),
	rule(RuleAuthAudience, "aud is the token URL the client posted to (the key file's token_uri, or https://oauth2.googleapis.com/token), else 400 invalid_grant", world.MUST, srcAuth, "documented"),
	rule(RuleAuthLifetime, "exp is at most one hour after iat, not past, and iat not in the future (App.Quotas jwt_skew_seconds, default 300), else 400 invalid_grant (short-lived token text)", world.MUST, srcAuth, "documented"),
	rule(RuleAuthScope, "scope includes https://www.googleapis.com/auth/firebase.messaging or .../cloud-platform, else 400 invalid_scope (App.Settings scope_check=send: token issued, send refused 403 insufficient scopes)", world.MUST, srcAuth, "documented"),
	rule(RuleAuthIssued, "A valid assertion gets {access_token, expires_in: 3599, token_type: Bearer}, valid one hour on the world clock (App.Quotas token_ttl_seconds)", world.MUST, srcAuth, "documented"),
	rule(RuleAuthBearer, "messages:send needs Authorization: Bearer <access token>; missing, unknown or expired → 401 UNAUTHENTICATED without an FcmError detail", world.MUST, srcErrors, "inferred"),
	rule(RuleAuthProject, "The token's service account must belong to the project in the URL (project id or number), else 403 PERMISSION_DENIED", world.MUST, srcAuth, "inferred"),

	rule(RuleMessageJSON, "The body maps onto the Message proto (snake_case or camelCase names): unknown names, wrong types (a Timestamp event_time that is not RFC 3339, a Duration without its s) and broken JSON → 400 INVALID_ARGUMENT with a google.rpc.BadRequest detail", world.MUST, srcReq, "documented"),
	rule(RuleBodySize, "A request body over 1 MiB (App.Quotas max_body_bytes) → 400 INVALID_ARGUMENT `Request payload size exceeds the limit`", world.MUST, srcReq, "inferred"),
	rule(RuleMessageTarget, "Exactly one of token, topic, condition, fid: none → 400 `Recipient of the message is not set.`, two → 400 oneof already set (FcmError INVALID_ARGUMENT)", world.MUST, srcReq, "documented"),
	rule(RuleMessageEnum, "Enums (android.priority normal/high in either case, notification_priority, visibility, proxy) and color #rrggbb must be valid → 400 INVALID_ARGUMENT", world.MUST, srcReq, "documented"),
	rule(RuleTokenFormat, "A token that is not shaped like an FCM registration token (<id>:APA91b…, base64url) → 400 INVALID_ARGUMENT `The registration token is not a valid FCM registration token`", world.MUST, srcErrors, "documented"),
	rule(RuleTokenUnregistered, "A well-formed token no phone holds, or whose app was uninstalled → 404 NOT_FOUND, FcmError UNREGISTERED: delete the token", world.MUST, srcErrors, "documented"),
	rule(RuleTokenSenderMismatch, "A token registered for another project → 403 PERMISSION_DENIED, FcmError SENDER_ID_MISMATCH `SenderId mismatch`", world.MUST, srcErrors, "documented"),
	rule(RuleDataReserved, "data keys must not be from, message_type, or start with google or gcm (App.Settings reserved_data_keys adds more) → 400 `Invalid data payload key: <key>`", world.MUST, srcReq, "documented"),
	rule(RuleDataStrings, "data values must be strings → 400 `Invalid value at 'message.data[i].value' (TYPE_STRING), <value>`", world.MUST, srcReq, "documented"),
	rule(RulePayloadSize, "The Android payload (data keys and values plus notification texts) is at most 4096 bytes (App.Quotas payload_bytes) → 400 `Android message is too big`", world.MUST, srcReq, "documented"),
	rule(RuleAndroidTTL, "android.ttl is a Duration string (\"3.5s\") between 0 and 2419200 s → else 400 INVALID_ARGUMENT; absent = 4 weeks", world.MUST, srcReq, "documented"),
	rule(RuleRestrictedPackage, "android.restricted_package_name, when set, must be the app's package → 400 INVALID_ARGUMENT", world.MUST, srcErrors, "documented"),
	rule(RuleValidateOnly, "validate_only: true runs every check and answers projects/<p>/messages/fake_message_id without delivering", world.MUST, srcReq, "documented"),

	rule(RuleQuotaProject, "At most 600 000 messages a minute per project, client errors included (App.Quotas project_per_minute) → 429 RESOURCE_EXHAUSTED, FcmError QUOTA_EXCEEDED", world.MUST, srcLimits, "documented"),
	rule(RuleQuotaDeviceMinute, "At most 240 messages a minute to one device (App.Quotas device_per_minute) → 429 QUOTA_EXCEEDED", world.MUST, srcLimits, "documented"),
	rule(RuleQuotaDeviceHour, "At most 5000 messages an hour to one device (App.Quotas device_per_hour) → 429 QUOTA_EXCEEDED", world.MUST, srcLimits, "documented"),
	rule(RuleQuotaCollapsible, "Collapsible messages (notification messages and messages with a collapse_key, ttl 0 exempt): a burst of 20 per app per device, refilled one every 3 minutes → 429 QUOTA_EXCEEDED", world.MUST, srcLimits, "documented"),
	rule(RuleServerUnavailable, "When overloaded (App.Settings fault=unavailable) FCM answers 503 UNAVAILABLE with Retry-After", world.MUST, srcErrors, "documented"),
	rule(RuleServerInternal, "An internal error (App.Settings fault=internal) is 500 INTERNAL: retry with backoff", world.MUST, srcErrors, "documented"),

	rule(RuleNotification, "The phone shows android.notification title/body (overriding notification title/body), sound (default_sound → default), priority and notification_count as the badge", world.MUST, srcReq, "documented"),
	rule(RuleChannelFallback, "channel_id the app did not create → shown in the app's default channel (fcm_fallback_notification_channel, or App.Settings default_channel)", world.MUST, srcReq, "documented"),
	rule(RuleTag, "A notification with the tag of a shown one replaces it", world.MUST, srcReq, "documented"),
	rule(RuleClickAction, "Tapping opens the activity matching click_action, else the launcher; data arrive as intent extras with from, google.message_id and collapse_key", world.MUST, srcPhone, "documented"),
	rule(RuleDataOnly, "A message without a notification part is handed to the app (onMessageReceived), not shown", world.MUST, srcPhone, "documented"),
	rule(RuleTTL, "An offline phone gets the message when it comes online within android.ttl; ttl 0 means now or never", world.MUST, srcReq, "documented"),
	rule(RuleCollapseLatest, "For an offline phone FCM stores only the newest message of a collapse_key; the older one is never shown", world.MUST, srcReq, "documented"),
	rule(RuleCollapseMaxKeys, "At most 4 collapse keys are stored per offline phone (App.Quotas collapse_keys); a fifth is not stored", world.MUST, srcLimits, "documented"),
	rule(RulePendingDiscard, "At most 100 messages are stored for an offline phone (App.Quotas pending_messages): with one more, every stored message is discarded, the new one with it, and none is shown (the app's onDeletedMessages is called)", world.MUST, srcCollapsible, "documented"),
	rule(RuleTopicSend, "A message to topic (with or without /topics/) is accepted whoever is subscribed and reaches the app's phones subscribed to it, nobody else's", world.MUST, srcTopics, "documented"),
	rule(RuleTopicCondition, "condition combines 'topic' in topics with &&, ||, ! and parentheses, at most 5 topics (App.Quotas condition_topics), evaluated left to right after parentheses (App.Settings condition_order=standard: && first); ! also reaches phones with no subscription; a malformed condition → 400 INVALID_ARGUMENT", world.MUST, srcTopics, "documented"),
	rule(RuleTopicManage, "POST iid.googleapis.com/iid/v1:batchAdd and :batchRemove take {to: /topics/<name>, registration_tokens: 1-1000} with Authorization: Bearer and access_token_auth: true; the answer is 200 {results: [{} or {error}]} per token: NOT_FOUND for an unknown or uninstalled token, INVALID_ARGUMENT for a malformed token or another project's; a malformed request → 400 {error: INVALID_ARGUMENT}, a missing access_token_auth or bad bearer → 401", world.MUST, srcIID, "documented"),
	rule(RuleTopicMax, "An app instance subscribes to at most 2000 topics (App.Quotas topics_per_device); one more is the token's TOO_MANY_TOPICS", world.MUST, srcIID+"; "+srcTopics, "documented"),
	rule(RuleTopicRate, "Topic subscription adds and removes: at most 3000 requests a second per project (App.Quotas topic_manage_per_second); over it every token of the request gets RESOURCE_EXHAUSTED", world.MUST, srcLimits+"; "+srcIID, "documented"),
	rule(RuleContentWord, "A notification's title or body, or a data value, holding a sensitive word (world content filter: PUT /_pushsim/content/fcm, App.Settings content.sensitive_words) is accepted (200) and never shown; FCM documents no content rule", world.SHOULD, "vendor-facts/huawei-oppo-fcm-honor.md §3.7 (no content rule found); vendor-facts/addendum-gaps-closed.md §5", "inferred"),
	rule(RuleContentEmpty, "A notification whose title and body both have nothing to show (only whitespace, punctuation, symbols that are not emoji, control characters) is accepted and never shown; a title or a body alone is enough", world.SHOULD, "vendor-facts/huawei-oppo-fcm-honor.md §3.6; vendor-facts/addendum-gaps-closed.md §5 (All: simple characters filtered)", "inferred"),
	rule(RuleContentEncoding, "A body that is not valid UTF-8, or that escapes a lone surrogate (\\ud800), is 400 INVALID_ARGUMENT `Invalid JSON payload received.`", world.MUST, "vendor-facts/huawei-oppo-fcm-honor.md §3.4", "inferred"),
	rule(RuleContentControls, "Control characters other than newline and tab in the title or body are stripped on the phone, which shows the rest", world.INFO, "vendor-facts/huawei-oppo-fcm-honor.md §3.6; vendor-facts/addendum-gaps-closed.md §5 (All: characters a phone cannot render)", "inferred"),
}
