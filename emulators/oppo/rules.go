package oppo

import "github.com/pushsim/pushsim/emulators/world"

const (
	srcMain     = "vendor-facts/huawei-oppo-fcm-honor.md "
	srcAddendum = "vendor-facts/addendum-gaps-closed.md "
)

var rules = []world.Rule{
	{ID: "oppo.request.method", Statement: "Every call is a POST; other methods get 12 Http Action Not Allowed.", Level: world.MUST, Source: srcMain + "§2.1, §2.4", Confidence: "documented"},
	{ID: "oppo.request.form", Statement: "Bodies are application/x-www-form-urlencoded; an unreadable form gets 41.", Level: world.MUST, Source: srcMain + "§2.1", Confidence: "inferred"},
	{ID: "oppo.request.size", Statement: "A body over 8 MiB gets 41 Invalid Arguments (limit not documented; configurable in code).", Level: world.SHOULD, Source: srcMain + "§2.7", Confidence: "inferred"},
	{ID: "oppo.request.encoding", Statement: "message/messages must be UTF-8, else 25 Invalid Encoding.", Level: world.MUST, Source: srcMain + "§2.4", Confidence: "documented"},
	{ID: "oppo.auth.app-key", Statement: "POST /server/v1/auth needs app_key: missing 15, unknown 14.", Level: world.MUST, Source: srcMain + "§2.2", Confidence: "documented"},
	{ID: "oppo.auth.timestamp", Statement: "timestamp is milliseconds within ±10 minutes of the server clock: missing 18, else 19.", Level: world.MUST, Source: srcMain + "§2.2", Confidence: "secondary"},
	{ID: "oppo.auth.sign", Statement: "sign = lowercase hex SHA-256(app_key + timestamp + master_secret): missing 17, wrong 16.", Level: world.MUST, Source: srcMain + "§2.2", Confidence: "documented"},
	{ID: "oppo.auth.token-missing", Statement: "Every send carries form field auth_token, else 29 Missing Auth Token.", Level: world.MUST, Source: srcMain + "§2.2, §2.4", Confidence: "documented"},
	{ID: "oppo.auth.token-invalid", Statement: "An auth_token that was never issued gets 11 Invalid AuthToken.", Level: world.MUST, Source: srcMain + "§2.2", Confidence: "documented"},
	{ID: "oppo.auth.token-expired", Statement: "auth_token is valid 24 hours; afterwards 11 Invalid AuthToken.", Level: world.MUST, Source: srcMain + "§2.2", Confidence: "documented"},
	{ID: "oppo.message.required", Statement: "message/messages, target_type, target_value and notification are required: 40.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.message.json", Statement: "message/messages must be JSON of the documented shape, else 41.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "inferred"},
	{ID: "oppo.message.target-type", Statement: "target_type 2 (registration_id) is emulated; other values get 41.", Level: world.SHOULD, Source: srcMain + "§2.3", Confidence: "inferred"},
	{ID: "oppo.batch.max", Statement: "unicast_batch takes at most 1000 messages; more gets 41.", Level: world.MUST, Source: srcMain + "§2.3, §2.5", Confidence: "documented"},
	{ID: "oppo.regid.invalid", Statement: "A malformed or unknown registration id gets 10000 Invalid Registration_id (per target errorCode in batches).", Level: world.MUST, Source: srcMain + "§2.4; " + srcAddendum + "§3.2", Confidence: "documented"},
	{ID: "oppo.notification.required", Statement: "title and content are required: 40.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.notification.style", Statement: "style is 1..5, else 41.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.notification.title-length", Statement: "title is at most 50 characters, else 41.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.notification.sub-title-length", Statement: "sub_title is at most 10 characters, else 41.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.notification.content-length", Statement: "content is at most 200 characters (SDK); with setting content_limits=current at most 50 (128 for style 2); else 41.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.notification.show-time", Statement: "show_time_type is 0 (show at once, default) or 1 (timed: show_start_time and show_end_time in ms are both required); missing 40, another type 41. The display window itself is not modelled.", Level: world.MUST, Source: srcMain + "§2.3 (OPPO-GO-NEW)", Confidence: "secondary"},
	{ID: "oppo.notification.show-ttl", Statement: "show_ttl (seconds the notification stays shown) is 0..172800, else 41: the doc (0–12 h public, 0–24 h private) and the SDK (21600–172800) disagree, so both clients' values are accepted; the display time is not modelled.", Level: world.SHOULD, Source: srcMain + "§2.3 (OPPO-GO-NEW vs OPPO-SDK)", Confidence: "secondary"},
	{ID: "oppo.callback.length", Statement: "call_back_url is at most 200 characters and call_back_parameter at most 50, else 41 (the code is inferred; receipts are not posted).", Level: world.SHOULD, Source: srcMain + "§2.3 (OPPO-DEJ, OPPO-SDK)", Confidence: "secondary"},
	{ID: "oppo.notification.badge", Statement: "badge_operation_type is 0 (overwrite) or 1 (increase), else 41.", Level: world.SHOULD, Source: srcMain + "§2.3", Confidence: "secondary"},
	{ID: "oppo.click.action", Statement: "click_action_type is 0, 1, 2, 4 or 5; 1/4 need click_action_activity (≤500), 2/5 need click_action_url (≤2000); missing 40, invalid 41.", Level: world.MUST, Source: srcMain + "§2.3, §2.6", Confidence: "documented"},
	{ID: "oppo.click.parameters", Statement: "action_parameters is JSON object text of at most 4000 characters, handed to the opened page as extras (URL query for web pages); else 41.", Level: world.MUST, Source: srcMain + "§2.3, §2.6", Confidence: "documented"},
	{ID: "oppo.ttl.max", Statement: "off_line_ttl is 0..864000 seconds (10 days; default 3600), else 41.", Level: world.MUST, Source: srcMain + "§2.3", Confidence: "documented"},
	{ID: "oppo.channel.required", Statement: "On Android 8.0+ (API 26) a notification without channel_id, or with a channel the app never created on the phone, is accepted (code 0) and never shown.", Level: world.MUST, Source: "seeds/offline-push-integration-guide.zh.md (OPPO FAQ); " + srcAddendum + "§3.4", Confidence: "secondary"},
	{ID: "oppo.category.invalid", Statement: "category must be one of IM, ACCOUNT, TODO, DEVICE_REMINDER, ORDER, SUBSCRIPTION, NEWS, CONTENT, MARKETING, SOCIAL; else 67.", Level: world.MUST, Source: srcMain + "§2.5; " + srcAddendum + "§3.2", Confidence: "documented"},
	{ID: "oppo.category.privilege", Statement: "Communication & service categories need the app's approval (privilege category:<CATEGORY>); else 67.", Level: world.MUST, Source: srcMain + "§2.5", Confidence: "secondary"},
	{ID: "oppo.notify-level.invalid", Statement: "notify_level is 1, 2 or 16, else 67.", Level: world.MUST, Source: srcMain + "§2.5", Confidence: "documented"},
	{ID: "oppo.notify-level.needs-category", Statement: "notify_level is only allowed together with category, else 67.", Level: world.SHOULD, Source: srcAddendum + "§3.4", Confidence: "secondary"},
	{ID: "oppo.notify-level.privilege", Statement: "notify_level 16 needs the strong-reminder approval (privilege notify_level:16), else 67.", Level: world.MUST, Source: srcMain + "§2.5", Confidence: "secondary"},
	{ID: "oppo.template.required", Statement: "A private IM message needs private_msg_template_id, else 54 private_msg_template_id is null (categories: setting template_required_categories).", Level: world.MUST, Source: srcMain + "§2.4, §2.5", Confidence: "secondary"},
	{ID: "oppo.quota.public-daily-total", Statement: "Content & marketing messages per app per day: 100000 below 50000 cumulative users, else users × 2; over it 33.", Level: world.MUST, Source: srcMain + "§2.5; " + srcAddendum + "§3.4", Confidence: "secondary"},
	{ID: "oppo.quota.public-per-device", Statement: "Content & marketing messages per device per app per day: 2 (5 for news apps); over it accepted but not shown (no API code).", Level: world.MUST, Source: srcAddendum + "§3.4", Confidence: "secondary"},
	{ID: "oppo.dedupe.app-message-id", Statement: "A repeated app_message_id for the same target is answered with success and not shown again.", Level: world.MUST, Source: srcMain + "§2.3; " + srcAddendum + "§5", Confidence: "secondary"},
	{ID: "oppo.content.sensitive-word", Statement: "A title, sub_title, content or action_parameters holding a sensitive word (world content filter: PUT /_pushsim/content/oppo, App.Settings content.sensitive_words) is accepted (code 0) and never shown; OPPO documents no code for content violations.", Level: world.SHOULD, Source: srcAddendum + "§3.4, §5", Confidence: "inferred"},
	{ID: "oppo.content.empty", Statement: "A title or content with nothing to show (only whitespace, punctuation, symbols that are not emoji, control characters) is accepted and never shown.", Level: world.SHOULD, Source: srcAddendum + "§5 (All: simple characters filtered)", Confidence: "inferred"},
	{ID: "oppo.content.control-chars", Statement: "Control characters other than newline and tab in the title or content are stripped on the phone, which shows the rest (text that is not UTF-8 is oppo.request.encoding, 25).", Level: world.INFO, Source: srcAddendum + "§5 (All: characters a phone cannot render)", Confidence: "inferred"},
}

// Broadcast rule ids (broadcast.go).
const (
	ruleSave      = "oppo.broadcast.save"
	ruleSaveOnce  = "oppo.broadcast.app-message-id"
	ruleMessageID = "oppo.broadcast.message-id"
	ruleTarget    = "oppo.broadcast.target"
	ruleSavedCap  = "oppo.broadcast.cap"
)

func init() {
	rules = append(rules,
		world.Rule{ID: ruleSave, Statement: "POST save_message_content takes auth_token and the notification's fields as form fields (snake_case or camelCase, numbers and switches as text), checked as unicast checks a notification (40, 41, 67, 54; 25 for text that is not UTF-8); it answers data.message_id and sends nothing.", Level: world.MUST, Source: srcMain + "§2.1, §2.3, §2.4", Confidence: "documented"},
		world.Rule{ID: ruleSaveOnce, Statement: "A save_message_content with an app_message_id the app saved before is answered with the first data.message_id and not saved again (\"broadcast saved once\").", Level: world.SHOULD, Source: srcMain + "§2.3", Confidence: "secondary"},
		world.Rule{ID: ruleMessageID, Statement: "POST broadcast needs message_id (40) of a message the app saved with save_message_content; another gets 31 Data Not Exist.", Level: world.MUST, Source: srcMain + "§2.1, §2.4", Confidence: "inferred"},
		world.Rule{ID: ruleTarget, Statement: "broadcast's target_type is 1 (every phone that has the app) or 2 (target_value: registration ids joined by ';', at most 1000); missing → 40, other → 41. The answer is data.message_id (also as data.messageId: the facts name both) and data.task_id, with the refused targets of a type 2 listed under their numeric code (10000 Invalid Registration_id, 33 over the public daily total, ...); each phone gets the saved message under unicast's rules, a content & marketing one counting one against the public daily total.", Level: world.MUST, Source: srcMain + "§2.1, §2.4, §2.5; " + srcAddendum + "§3.4", Confidence: "documented"},
		world.Rule{ID: ruleSavedCap, Statement: "The emulator keeps at most App.Quotas saved_messages_max (10000) saved messages per app and 64 MiB in all; the oldest go first and their message_id gets 31.", Level: world.INFO, Source: srcMain + "§2.7 (no number given)", Confidence: "inferred"},
	)
}

// Rules lists the rules the OPPO emulator enforces.
func (e *Emulator) Rules() []world.Rule {
	out := make([]world.Rule, len(rules))
	for i, r := range rules {
		r.Vendor = "oppo"
		out[i] = r
	}
	return out
}
