package apns

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, in scenarios and in reports.
const (
	RuleDuplicateHeaders = "apns.request.duplicate-headers"
	RuleApnsID           = "apns.header.apns-id"
	RuleMethod           = "apns.request.method"
	RuleTopicMissing     = "apns.header.topic"
	RuleCollapseID       = "apns.header.collapse-id"
	RulePriority         = "apns.header.priority"
	RuleExpiration       = "apns.header.expiration"
	RulePushType         = "apns.header.push-type"
	RulePath             = "apns.request.path"

	RuleTokenFormat       = "apns.token.format"
	RuleTokenEnvironment  = "apns.token.environment"
	RuleTokenUnknown      = "apns.token.unknown"
	RuleTokenExpired      = "apns.token.expired"
	RuleTokenUnregistered = "apns.token.unregistered"
	RuleTokenTopic        = "apns.token.topic"

	RuleAuthMissing     = "apns.auth.missing"
	RuleAuthJWT         = "apns.auth.jwt"
	RuleAuthSignature   = "apns.auth.signature"
	RuleAuthExpired     = "apns.auth.expired"
	RuleAuthRefreshRate = "apns.auth.refresh-rate"
	RuleAuthOneTeam     = "apns.auth.one-team"
	RuleAuthTopic       = "apns.auth.topic"
	RuleAuthCertificate = "apns.auth.certificate"
	RuleTopicSuffix     = "apns.topic.suffix"

	RulePayloadEmpty = "apns.payload.empty"
	RulePayloadSize  = "apns.payload.size"
	RuleRateDevice   = "apns.rate.device"
	RuleSuccess      = "apns.response.success"

	RuleAlert              = "apns.aps.alert"
	RuleBadge              = "apns.aps.badge"
	RuleSound              = "apns.aps.sound"
	RuleInterruption       = "apns.aps.interruption-level"
	RuleContentAvailable   = "apns.aps.content-available"
	RuleAttributes         = "apns.aps.attributes"
	RuleCollapse           = "apns.collapse.replaces"
	RuleCustomKeys         = "apns.custom.keys"
	RulePushTypeToApp      = "apns.push-type.to-app"
	RuleOfflineLatest      = "apns.offline.latest"
	RuleOfflineExpiration  = "apns.offline.expiration"
	RuleBackgroundThrottle = "apns.background.throttle"
	RulePayloadAPS         = "apns.payload.aps"
)

const (
	srcEndpoints = "vendor-facts/apns-honor-huawei-v3.md §1.1"
	srcToken     = "vendor-facts/apns-honor-huawei-v3.md §1.2.1"
	srcCert      = "vendor-facts/apns-honor-huawei-v3.md §1.2.2"
	srcHeaders   = "vendor-facts/apns-honor-huawei-v3.md §1.3.1"
	srcPayload   = "vendor-facts/apns-honor-huawei-v3.md §1.3.2"
	srcResponse  = "vendor-facts/apns-honor-huawei-v3.md §1.4"
	srcLimits    = "vendor-facts/apns-honor-huawei-v3.md §1.5"
	srcPhone     = "vendor-facts/apns-honor-huawei-v3.md §1.6"
)

func rule(id, statement, level, source, confidence string) world.Rule {
	return world.Rule{ID: id, Vendor: Vendor, Statement: statement, Level: level, Source: source, Confidence: confidence}
}

var rules = []world.Rule{
	rule(RuleDuplicateHeaders, "A header sent twice (authorization or any apns-* header) → 400 DuplicateHeaders, checked first", world.MUST, srcHeaders, "documented"),
	rule(RuleApnsID, "apns-id, when present, is a UUID (8-4-4-4-12 hex, either case) → else 400 BadMessageId", world.MUST, srcHeaders, "documented"),
	rule(RuleMethod, "Only POST → else 405 MethodNotAllowed", world.MUST, srcHeaders, "documented"),
	rule(RuleTopicMissing, "apns-topic is required with token auth (and with a certificate only when absent is not its own topic) → else 400 MissingTopic", world.MUST, srcHeaders, "documented"),
	rule(RuleCollapseID, "apns-collapse-id is at most 64 bytes → else 400 BadCollapseId", world.MUST, srcHeaders, "documented"),
	rule(RulePriority, "apns-priority, when present, is 10, 5 or 1 (default 10) → else 400 BadPriority", world.MUST, srcHeaders, "documented"),
	rule(RuleExpiration, "apns-expiration, when present, is UNIX epoch seconds (a non-negative integer) → else 400 BadExpirationDate", world.MUST, srcHeaders, "documented"),
	rule(RulePushType, "apns-push-type, when present, is alert, background, location, voip, complication, fileprovider, mdm, liveactivity, pushtotalk or widgets → else 400 InvalidPushType; absent = alert", world.MUST, srcHeaders, "documented"),
	rule(RulePath, "The path is /3/device/<token>: exactly /3/device/ → 400 MissingDeviceToken; anything else → 404 BadPath", world.MUST, srcHeaders, "documented"),

	rule(RuleTokenFormat, "A device token is an even number of hex digits, 64 to 200 (tokens vary in length) → else 400 BadDeviceToken", world.MUST, srcHeaders, "inferred"),
	rule(RuleTokenEnvironment, "A token issued in the other environment (App.Settings environment vs sandbox/production host) → 400 BadDeviceToken", world.MUST, srcResponse, "documented"),
	rule(RuleTokenUnknown, "A well-formed token no phone holds → 400 BadDeviceToken", world.MUST, srcResponse, "inferred"),
	rule(RuleTokenExpired, "A token that expired (pushsim's EXPIRED magic word) → 410 ExpiredToken with a timestamp: remove it", world.MUST, srcResponse, "documented"),
	rule(RuleTokenUnregistered, "A token whose app was uninstalled → 410 Unregistered with timestamp, the epoch milliseconds when APNs learnt it (the same on every answer): remove it", world.MUST, srcResponse, "documented"),
	rule(RuleTokenTopic, "A token of another bundle than the topic's → 400 DeviceTokenNotForTopic", world.MUST, srcResponse, "documented"),

	rule(RuleAuthMissing, "Without a client certificate, authorization must be `bearer <JWT>` (scheme in any case) → else 403 MissingProviderToken", world.MUST, srcToken, "documented"),
	rule(RuleAuthJWT, "The JWT has header alg ES256 and a string kid of a known key, claims iss = that key's Team ID and an integer iat → else 403 InvalidProviderToken", world.MUST, srcToken, "documented"),
	rule(RuleAuthSignature, "The ES256 signature verifies with the key's public key, in JWS form (64-byte R‖S) or DER: both are accepted → else 403 InvalidProviderToken", world.MUST, srcToken, "documented"),
	rule(RuleAuthExpired, "A JWT whose iat is more than an hour old (App.Quotas token_lifetime_seconds) → 403 ExpiredProviderToken", world.MUST, srcToken, "documented"),
	rule(RuleAuthRefreshRate, "A connection whose token changes (another kid or iat) to one issued less than 20 minutes from the current one (App.Quotas token_update_seconds) → 429 TooManyProviderTokenUpdates; the current token keeps working", world.MUST, srcToken, "documented"),
	rule(RuleAuthOneTeam, "A connection serves one Team ID: the first valid token pins it, another team's token → 403 InvalidProviderToken", world.MUST, srcToken, "documented"),
	rule(RuleAuthTopic, "With token auth the topic must be a bundle of the token's team → else 403 InvalidProviderToken", world.MUST, srcToken, "documented"),
	rule(RuleAuthCertificate, "Certificate auth: the client certificate's subject UID is a bundle (and App.Extra cert_sha256 matches) → else 403 BadCertificate; a Development certificate on the production host (or the reverse) → 403 BadCertificateEnvironment; no apns-topic = the UID; a topic other than UID, UID.voip, UID.complication → 400 BadTopic", world.MUST, srcCert, "documented"),
	rule(RuleTopicSuffix, "The topic's suffix matches the push type (voip → .voip, complication → .complication, fileprovider → .pushkit.fileprovider, location → .location-query, liveactivity → .push-type.liveactivity, pushtotalk → .voip-ptt, alert/background → the bare bundle id) → else 400 BadTopic", world.MUST, srcHeaders, "inferred"),

	rule(RulePayloadEmpty, "An empty body → 400 PayloadEmpty", world.MUST, srcPayload, "documented"),
	rule(RulePayloadSize, "The body is at most 4096 bytes, 5120 for voip (App.Quotas payload_bytes, voip_payload_bytes) → else 413 PayloadTooLarge", world.MUST, srcLimits, "documented"),
	rule(RuleRateDevice, "Too many pushes to one token in a row (App.Quotas device_per_minute; Apple publishes no number, off by default) → 429 TooManyRequests", world.SHOULD, srcLimits, "documented"),
	rule(RuleSuccess, "An accepted push is 200 with an empty body and apns-id: the request's, or a new upper-case UUID; development also answers apns-unique-id. Every error answers apns-id and {\"reason\": ...}", world.MUST, srcResponse, "documented"),

	rule(RuleAlert, "aps.alert is a string (the body) or a dictionary of title, subtitle, body and the loc-key forms (resolved from the app's strings, else shown as the key); without alert text nothing is shown", world.MUST, srcPayload, "documented"),
	rule(RuleBadge, "aps.badge sets the icon's number (0 clears it); a badge-only push changes the number and shows nothing", world.MUST, srcPayload, "documented"),
	rule(RuleSound, "aps.sound plays a file name or \"default\"; the critical-alert dictionary {critical, name, volume} plays name and shows heads-up; no sound is a silent arrival", world.MUST, srcPayload, "documented"),
	rule(RuleInterruption, "interruption-level passive arrives silently, time-sensitive and critical show heads-up, active (default) normally", world.MUST, srcPayload, "documented"),
	rule(RuleContentAvailable, "content-available 1 without alert, badge or sound (or apns-push-type background) wakes the app in the background: handed to it, not shown", world.MUST, srcPayload, "documented"),
	rule(RuleAttributes, "thread-id, category, target-content-id, mutable-content and relevance-score travel with the shown notification (grouping, actions, service extension)", world.MUST, srcPhone, "documented"),
	rule(RuleCollapse, "A notification with the apns-collapse-id of a shown one replaces it", world.MUST, srcHeaders, "documented"),
	rule(RuleCustomKeys, "Custom top-level keys reach the app when the user taps (userInfo), values as sent; the app decides what a tap does", world.MUST, srcPhone, "documented"),
	rule(RulePushTypeToApp, "voip, location, complication, fileprovider, mdm, liveactivity, pushtotalk and widgets pushes go to the app or the system, not the notification list", world.MUST, srcPhone, "documented"),
	rule(RuleOfflineLatest, "For an offline phone APNs stores one push per bundle, the newest: an older stored one is dropped", world.MUST, srcEndpoints, "documented"),
	rule(RuleOfflineExpiration, "apns-expiration 0 is now or never; a later time keeps the push for an offline phone until then, at most 30 days (absent = 30 days)", world.MUST, srcHeaders, "documented"),
	rule(RuleBackgroundThrottle, "Background pushes beyond two or three an hour per phone (App.Quotas background_per_hour, default 3) are not delivered", world.SHOULD, srcLimits, "secondary"),
	rule(RulePayloadAPS, "APNs does not read the payload: a body that is not a JSON object with an aps dictionary is accepted and the phone shows nothing", world.INFO, srcPayload, "inferred"),
}
