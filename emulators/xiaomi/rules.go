package xiaomi

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, scenarios and reports.
const (
	ruleAuth            = "xiaomi.auth.secret"
	rulePackage         = "xiaomi.package.restricted"
	ruleEncoding        = "xiaomi.request.encoding"
	ruleParams          = "xiaomi.params.value"
	ruleTitleRequired   = "xiaomi.title.required"
	ruleTitleLength     = "xiaomi.title.length"
	ruleDescRequired    = "xiaomi.description.required"
	ruleDescLength      = "xiaomi.description.length"
	rulePayloadRequired = "xiaomi.pass-through.payload"
	rulePayloadSize     = "xiaomi.payload.size"
	ruleTargetsRequired = "xiaomi.targets.required"
	ruleTargetsMax      = "xiaomi.targets.max"
	ruleTargetsInvalid  = "xiaomi.targets.invalid"
	ruleExtrasMax       = "xiaomi.extras.max"
	ruleExtrasLength    = "xiaomi.extras.length"
	ruleChannel         = "xiaomi.channel.registered"
	ruleQuotaPrivate    = "xiaomi.quota.private-unlimited"
	ruleQuotaPublic     = "xiaomi.quota.public-daily"
	ruleQuotaDefault    = "xiaomi.quota.default-daily"
	ruleQuotaAppTotal   = "xiaomi.quota.app-total"
	rulePassThrough     = "xiaomi.pass-through.not-shown"
	ruleNotifyID        = "xiaomi.notify-id.replaces"
	ruleJobKey          = "xiaomi.jobkey.collapses"
	ruleTTL             = "xiaomi.ttl.offline"
	ruleClick           = "xiaomi.click.effect"
	ruleRate            = "xiaomi.rate.qps"
	ruleBodySize        = "xiaomi.body.size"
	rulePath            = "xiaomi.api.path"
	ruleContentWord     = "xiaomi.content.sensitive-word"
	ruleContentEmpty    = "xiaomi.content.empty"
	ruleContentUTF8     = "xiaomi.content.invalid-encoding"
	ruleContentControls = "xiaomi.content.control-chars"

	// Topic sends (topic.go).
	ruleTopicSend       = "xiaomi.topic.subscribers"
	ruleTopicName       = "xiaomi.topic.name"
	ruleTopicMax        = "xiaomi.topic.max"
	ruleTopicOp         = "xiaomi.topic.op"
	ruleTopicsPerDevice = "xiaomi.topic.device-max"
	ruleBroadcastDaily  = "xiaomi.broadcast.daily"

	// The APIs beside the single sends (api.go).
	ruleMultiMessages  = "xiaomi.multi.messages"
	ruleMultiQuota     = "xiaomi.multi.channel-exceed-quota"
	ruleTopicSubscribe = "xiaomi.topic.subscribe"
	ruleRevoke         = "xiaomi.revoke.notify-id"
	ruleTrace          = "xiaomi.trace.status"
)

const (
	facts    = "vendor-facts/xiaomi-meizu-vivo.md "
	addendum = "vendor-facts/addendum-gaps-closed.md "
)

var rules = []world.Rule{
	{ID: ruleAuth, Statement: "Every request carries `Authorization: key=<AppSecret>`; a missing or wrong secret (the AppKey too) is answered 21301 `Invalid application secret.` / 认证失败 (HTTP 200).", Level: world.MUST, Source: facts + "§1.2, §1.4", Confidence: "documented"},
	{ID: rulePackage, Statement: "`restricted_package_name` (comma-joined or repeated) must name the app's package, else 22022; when absent the app's own package is assumed.", Level: world.MUST, Source: facts + "§1.3, §1.4", Confidence: "documented"},
	{ID: ruleEncoding, Statement: "The body is an application/x-www-form-urlencoded UTF-8 form; a broken %-escape or invalid UTF-8 is a parameter error (10008).", Level: world.MUST, Source: facts + "§1.3", Confidence: "inferred"},
	{ID: ruleParams, Statement: "Numeric fields (pass_through 0/1, notify_type, notify_id 0..2147483647, time_to_live, time_to_send) must be valid, else 10017.", Level: world.MUST, Source: facts + "§1.3", Confidence: "inferred"},
	{ID: ruleTitleRequired, Statement: "A notification message (pass_through=0) needs a title that is not all whitespace: missing → 10016, blank → 10008.", Level: world.MUST, Source: facts + "§1.3", Confidence: "documented"},
	{ID: ruleTitleLength, Statement: "The title must be shorter than 50 characters, each CJK or Latin character counting 1 (App.Quotas title_max) → 10017.", Level: world.MUST, Source: facts + "§1.3, §1.5", Confidence: "documented"},
	{ID: ruleDescRequired, Statement: "A notification message needs a description that is not all whitespace: missing → 10016, blank → 10008.", Level: world.MUST, Source: facts + "§1.3", Confidence: "documented"},
	{ID: ruleDescLength, Statement: "The description must be shorter than 128 characters (App.Quotas description_max) → 10017.", Level: world.MUST, Source: facts + "§1.3, §1.5", Confidence: "documented"},
	{ID: rulePayloadRequired, Statement: "A pass-through message (pass_through=1) needs a payload → 10016.", Level: world.MUST, Source: facts + "§1.3", Confidence: "documented"},
	{ID: rulePayloadSize, Statement: "No payload byte limit is documented; App.Quotas payload_max (bytes, 0 = off, the default) turns on 65009.", Level: world.INFO, Source: facts + "§1.5; " + addendum + "§6", Confidence: "inferred"},
	{ID: ruleTargetsRequired, Statement: "`registration_id` (or `alias`) is required → 10016.", Level: world.MUST, Source: facts + "§1.1, §1.3", Confidence: "documented"},
	{ID: ruleTargetsMax, Statement: "At most 1000 targets per request, comma-joined or repeated keys (App.Quotas max_targets) → 10017.", Level: world.MUST, Source: facts + "§1.5", Confidence: "secondary"},
	{ID: ruleTargetsInvalid, Statement: "Unknown regIds are listed comma-separated in `data.bad_regids` of a success answer; when no target is valid the answer is 20301 `No valid targets!` / 发送消息失败.", Level: world.MUST, Source: facts + "§1.4", Confidence: "secondary"},
	{ID: ruleExtrasMax, Statement: "At most 10 custom `extra.*` pairs (reserved keys such as channel_id, notify_effect do not count) → 65014.", Level: world.MUST, Source: facts + "§1.3", Confidence: "documented"},
	{ID: ruleExtrasLength, Statement: "A custom extra key or value longer than 1024 characters → 65015.", Level: world.MUST, Source: facts + "§1.3", Confidence: "documented"},
	{ID: ruleChannel, Statement: "`extra.channel_id` must be a channel registered for the app, else 27001 `invalid channel info!`; App.Settings require_channel=true also rejects a missing one.", Level: world.MUST, Source: facts + "§1.5; " + addendum + "§2.1", Confidence: "documented"},
	{ID: ruleQuotaPrivate, Statement: "Private-class channels (私信) have no daily cap.", Level: world.MUST, Source: facts + "§1.5; " + addendum + "§2.1", Confidence: "documented"},
	{ID: ruleQuotaPublic, Statement: "Public-class channels (公信): 5 messages per device per app per day (8 with a news licence); over it → 200001 `exceed quota, quota: N, have acked: M`. Resets at Shanghai midnight.", Level: world.MUST, Source: facts + "§1.5; " + addendum + "§2.1", Confidence: "documented"},
	{ID: ruleQuotaDefault, Statement: "Without a channel (default class): 1 message per device per app per day; over it → 200001.", Level: world.MUST, Source: facts + "§1.5; " + addendum + "§2.1", Confidence: "documented"},
	{ID: ruleQuotaAppTotal, Statement: "App daily total: max(notification-enabled devices, 10000) × 2 for public (× 3 with a news licence), × 1 for default; over it → 200001.", Level: world.MUST, Source: facts + "§1.5; " + addendum + "§2.1", Confidence: "documented"},
	{ID: rulePassThrough, Statement: "A pass-through message reaches the app process but is never shown in the shade.", Level: world.MUST, Source: facts + "§1.6", Confidence: "documented"},
	{ID: ruleNotifyID, Statement: "A notification with the same notify_id replaces the shown one; without notify_id the id is 0, so by default only one notification is shown.", Level: world.MUST, Source: facts + "§1.3", Confidence: "documented"},
	{ID: ruleJobKey, Statement: "The phone shows only the first message of an `extra.jobkey` batch ([0-9a-zA-Z_-], ≤ 20, not starting with `_`, else 10017).", Level: world.SHOULD, Source: facts + "§1.3", Confidence: "secondary"},
	{ID: ruleTTL, Statement: "An offline phone gets the message when it comes back within time_to_live (ms; default two weeks; public at most 1 day, private 10 days, longer values clamped); else it expires. extra.only_send_once=1 means no offline storage.", Level: world.MUST, Source: facts + "§1.3, §1.5; " + addendum + "§2.2", Confidence: "documented"},
	{ID: ruleClick, Statement: "`extra.notify_effect` 1 opens the launcher activity, 2 the `extra.intent_uri` (or class_name), 3 the `extra.web_uri` (http/https); absent, the app's receiver decides; anything else → 10017.", Level: world.MUST, Source: facts + "§1.6", Confidence: "documented"},
	{ID: ruleRate, Statement: "Requests per app per second are limited (500 below 100k devices; App.Quotas qps); over it → 200002 (App.Settings rate_limit_code=10027 for the older table).", Level: world.SHOULD, Source: facts + "§1.5; " + addendum + "§2.3", Confidence: "secondary"},
	{ID: ruleBodySize, Statement: "A request body over the limit (App.Quotas max_body_bytes, default 256 KiB: 1000 encoded regIds fit) → 10018 请求长度超过限制.", Level: world.SHOULD, Source: addendum + "§2.3", Confidence: "inferred"},
	{ID: rulePath, Statement: "An unknown path is answered 10020 (HTTP 404), a wrong method 10021 (HTTP 405), in Xiaomi's error shape.", Level: world.INFO, Source: addendum + "§2.3 (older SDK table)", Confidence: "inferred"},
	{ID: ruleContentWord, Statement: "A title, description or payload holding a sensitive word (world content filter: PUT /_pushsim/content/xiaomi, App.Settings content.sensitive_words) is accepted (code 0) and never shown; the ledger names the word.", Level: world.MUST, Source: addendum + "§2.4, §5", Confidence: "documented"},
	{ID: ruleContentEmpty, Statement: "A title or description with nothing to show (only punctuation, symbols that are not emoji, control characters) is accepted and never shown; an all-whitespace one is refused by xiaomi.title.required / xiaomi.description.required (10008).", Level: world.SHOULD, Source: facts + "§1.3; " + addendum + "§5 (All: simple characters filtered)", Confidence: "inferred"},
	{ID: ruleContentUTF8, Statement: "A title, description or payload that is not valid UTF-8 is a parameter error (10008).", Level: world.MUST, Source: facts + "§1.3 (UTF-8 form)", Confidence: "inferred"},
	{ID: ruleContentControls, Statement: "Control characters other than newline and tab in the title or description are stripped on the phone, which shows the rest.", Level: world.INFO, Source: addendum + "§5 (All: characters a phone cannot render)", Confidence: "inferred"},

	{ID: ruleTopicSend, Statement: "POST /v2|v3/message/topic reaches the app's phones subscribed to `topic`, /message/multi_topic those `topics` (joined with `;$;`) select by `topic_op`, /message/all every phone of the app; each takes the fields, filter, channel and quotas of /message/regid and answers data.id (a message id starting with t). A topic nobody subscribed to is accepted (code 0) and reaches no phone.", Level: world.MUST, Source: facts + "§1.1, §1.4", Confidence: "inferred"},
	{ID: ruleTopicName, Statement: "A topic send needs a non-empty `topic` (every `;$;` element of `topics` too) → 65013; longer than 128 characters (App.Quotas topic_max_len; no number is documented) → 65010; a control character or `;$;` inside a topic → 20209.", Level: world.MUST, Source: facts + "§1.1, §1.4", Confidence: "inferred"},
	{ID: ruleTopicMax, Statement: "/message/multi_topic takes at most 5 topics (App.Quotas max_topics) → 65035; repeated topics count once.", Level: world.MUST, Source: facts + "§1.1, §1.4", Confidence: "documented"},
	{ID: ruleTopicOp, Statement: "/message/multi_topic needs `topic_op` → 10016, one of UNION (any topic), INTERSECTION (every topic), EXCEPT (the first topic and none of the others) → else 10017.", Level: world.MUST, Source: facts + "§1.1", Confidence: "inferred"},
	{ID: ruleTopicsPerDevice, Statement: "A phone subscribes its app to at most 30 topics; a further subscription is refused (the SDK's subscribe fails) and topic sends to it do not reach the phone (App.Quotas topics_per_device).", Level: world.SHOULD, Source: addendum + "§2.3", Confidence: "secondary"},
	{ID: ruleBroadcastDaily, Statement: "Broadcasts per app per Shanghai day: App.Quotas all_per_day for /message/all, topic_per_day for topic and multi_topic sends (0, the default: no limit; no number is documented); over it → 26004 (broadcast sent too frequently).", Level: world.SHOULD, Source: facts + "§1.4", Confidence: "inferred"},
	{ID: ruleMultiMessages, Statement: "POST /v2/multi_messages/regids and /v2/multi_messages/aliases take `messages`, a JSON array of {\"target\": regId or alias, \"message\": {the form's fields, extras under \"extra\"}}, and `time_to_send` for the messages without their own; each target gets its own message, checked as a /message/regid send (its code, the reason naming messages[i]: one invalid message refuses the call); one data.id for the call, unknown regIds in data.bad_regids, none valid → 20301. `messages` missing or empty → 10016, not an array of objects → 10017, more than 1000 (App.Quotas max_targets) → 10017.", Level: world.MUST, Source: facts + "§1.1 (S-X1 Sender.send(List<TargetedMessage>), S-X7)", Confidence: "inferred"},
	{ID: ruleMultiQuota, Statement: "A multi-message send never answers 200001: a message over a daily quota is dropped (the phone's drop names the quota rule) and counted per channel in data.channel_exceed_quota, e.g. `no_channel:2 high_im:3` (no_channel: without extra.channel_id), with code 0.", Level: world.MUST, Source: facts + "§1.4; " + addendum + "§2.3", Confidence: "secondary"},
	{ID: ruleTopicSubscribe, Statement: "POST /v2/topic/subscribe and /v2/topic/unsubscribe (`registration_id`, comma-joined), /v2/topic/subscribe/alias and /v2/topic/unsubscribe/alias (`aliases`) with `topic` (checked as a topic send's: 65013, 65010, 20209) change the world's subscriptions that topic sends reach; code 0 with unknown regIds in data.bad_regids when at least one phone changed, else 20215 (subscribe) / 20216 (unsubscribe).", Level: world.MUST, Source: facts + "§1.1, §1.4 (S-X1 Subscription)", Confidence: "inferred"},
	{ID: ruleRevoke, Statement: "POST /v1/message/regid/revoke (`registration_ids`) and /v1/message/alias/revoke (`aliases`), with `notify_id` (missing → 10016, not 0..2147483647 → 10017), take the app's notification with that notify_id back from the targets' phones, shown or held for an offline phone; code 0 even when nothing matched; no valid target → 20301.", Level: world.MUST, Source: facts + "§1.1 (S-X1 Sender.revokeRegIdMessage)", Confidence: "inferred"},
	{ID: ruleTrace, Statement: "GET /v1/trace/message/status?msg_id= (or job_key=) answers data.data {id, create_time, create_timestamp, time_to_live, msg_type, resolved, delivered, delivery_rate, click, click_rate} from what the world recorded; an unknown or forgotten id → 65028; App.Settings trace_forbidden=true → 10038; App.Quotas trace_qps → 10039 above it.", Level: world.SHOULD, Source: facts + "§1.1, §1.4 (S-X1 Tracer, S-X7 SingleStatusResult)", Confidence: "inferred"},
}

func init() {
	for i := range rules {
		rules[i].Vendor = vendorName
	}
}
