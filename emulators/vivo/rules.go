package vivo

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, scenarios and reports.
const (
	ruleAuthFields      = "vivo.auth.fields"
	ruleAuthSign        = "vivo.auth.sign"
	ruleAuthTimestamp   = "vivo.auth.timestamp"
	ruleAuthRate        = "vivo.auth.rate"
	ruleAuthToken       = "vivo.auth.token"
	ruleAppID           = "vivo.request.app-id"
	ruleBody            = "vivo.request.body"
	ruleRequestID       = "vivo.request.request-id"
	ruleDuplicate       = "vivo.request.duplicate"
	ruleRestricted      = "vivo.app.restricted"
	ruleTarget          = "vivo.target.regid"
	ruleAlias           = "vivo.target.alias"
	ruleUninstalled     = "vivo.target.uninstalled"
	ruleTestDevice      = "vivo.test.device"
	ruleTestQuota       = "vivo.test.no-quota"
	ruleNotifyType      = "vivo.message.notify-type"
	ruleTitle           = "vivo.message.title"
	ruleContent         = "vivo.message.content"
	ruleTTL             = "vivo.message.ttl"
	ruleNetworkType     = "vivo.message.network-type"
	ruleCallback        = "vivo.message.callback"
	ruleSkip            = "vivo.click.skip-type"
	ruleCustomMap       = "vivo.click.custom-map"
	ruleClassification  = "vivo.class.classification"
	ruleCategory        = "vivo.class.category"
	ruleMismatch        = "vivo.class.mismatch"
	ruleReclassified    = "vivo.class.reclassified"
	ruleOpPerDevice     = "vivo.quota.operation-per-device"
	ruleOpTotal         = "vivo.quota.operation-total"
	ruleSysTotal        = "vivo.quota.system-total"
	ruleWindow          = "vivo.window.operation-hours"
	ruleContentDup      = "vivo.content.duplicate"
	ruleListTargets     = "vivo.list.targets"
	ruleListTask        = "vivo.list.task"
	ruleListQuota       = "vivo.list.payload-quota"
	ruleAllTargets      = "vivo.all.targets"
	ruleAllDaily        = "vivo.all.daily"
	ruleTagPush         = "vivo.tag.push"
	ruleTagExpression   = "vivo.tag.expression"
	ruleTagMembers      = "vivo.tag.members"
	ruleTagManage       = "vivo.tag.manage"
	rulePath            = "vivo.api.path"
	ruleContentWord     = "vivo.content.sensitive-word"
	ruleContentEmpty    = "vivo.content.empty"
	ruleContentSimple   = "vivo.content.simple"
	ruleQPS             = "vivo.request.qps"
	ruleTestDaily       = "vivo.test.daily-cap"
	ruleContentEncoding = "vivo.content.invalid-encoding"
	ruleContentControls = "vivo.content.control-chars"
)

const (
	facts    = "vendor-facts/xiaomi-meizu-vivo.md "
	addendum = "vendor-facts/addendum-gaps-closed.md "
)

var rules = []world.Rule{
	{ID: ruleAuthFields, Statement: "POST /message/auth needs appId (number or string), appKey, timestamp and sign: empty → 10200/10201/10203/10204, unknown appId → 10205, appKey not the app's → 10202.", Level: world.MUST, Source: facts + "§3.2; " + addendum + "§1.3", Confidence: "documented"},
	{ID: ruleAuthSign, Statement: "sign = lowercase hex md5(appId + appKey + timestamp + appSecret), no separators; a wrong sign → 10206.", Level: world.MUST, Source: facts + "§3.2", Confidence: "documented"},
	{ID: ruleAuthTimestamp, Statement: "timestamp is Unix milliseconds within ±10 minutes of the server's clock (App.Quotas timestamp_skew_s), else 10207.", Level: world.MUST, Source: facts + "§3.2", Confidence: "documented"},
	{ID: ruleAuthRate, Statement: "/message/auth takes at most 10 calls per second per app (App.Quotas auth_per_second) → 10250.", Level: world.MUST, Source: facts + "§3.2; " + addendum + "§1.3", Confidence: "documented"},
	{ID: ruleAuthToken, Statement: "Every push call carries header `authToken`; a token lives 24 h (App.Quotas token_ttl_s) and several are valid at once; missing, unknown or expired → 10000 鉴权失败.", Level: world.MUST, Source: facts + "§3.2; " + addendum + "§1.3", Confidence: "secondary"},
	{ID: ruleAppID, Statement: "A push body's appId, when present, must be the app behind the authToken, else 10094.", Level: world.MUST, Source: facts + "§3.2; " + addendum + "§1.3", Confidence: "documented"},
	{ID: ruleBody, Statement: "The body is JSON (application/json); a body that is not a JSON object, or larger than App.Quotas max_body_bytes, is read as an empty message and answered with the first missing field's code.", Level: world.SHOULD, Source: facts + "§3.3", Confidence: "inferred"},
	{ID: ruleRequestID, Statement: "requestId is required (10352) and at most 64 characters (10353).", Level: world.MUST, Source: facts + "§3.3, §3.4", Confidence: "documented"},
	{ID: ruleDuplicate, Statement: "A repeated requestId (per app and API, within App.Quotas request_id_window_s, 24 h) is answered like the first request, with the same taskId, and is not sent again.", Level: world.MUST, Source: facts + "§3.3", Confidence: "inferred"},
	{ID: ruleRestricted, Statement: "An app under review (App.Settings restricted=true) may only single-push in test mode (pushMode=1) → 10045 otherwise.", Level: world.MUST, Source: addendum + "§1.2, §1.3", Confidence: "secondary"},
	{ID: ruleTarget, Statement: "A regId is exactly 23 characters and belongs to the app; otherwise 10302 regId不合法 with invalidUser {status:1, userid} (single push) or an invalidUsers entry (list push).", Level: world.MUST, Source: facts + "§3.3, §3.4; " + addendum + "§1.3", Confidence: "documented"},
	{ID: ruleAlias, Statement: "An alias is at most 70 characters (App.Quotas alias_max; older docs 40) → 10301, and must be set for the app (App.Extra alias.<alias>).", Level: world.MUST, Source: facts + "§3.3; " + addendum + "§1.6", Confidence: "documented"},
	{ID: ruleUninstalled, Statement: "A regId whose app was uninstalled is refused like an unknown one, with invalidUser status 2 (App.Settings uninstalled=accept: accepted and dropped on the phone).", Level: world.MUST, Source: facts + "§3.4; " + addendum + "§1.3", Confidence: "secondary"},
	{ID: ruleTestDevice, Statement: "pushMode=1 (test) reaches only devices registered as test devices; any other → 10302 with invalidUser status 4.", Level: world.MUST, Source: facts + "§3.3, §3.5; " + addendum + "§1.3", Confidence: "secondary"},
	{ID: ruleTestDaily, Statement: "Test messages (pushMode=1) have their own daily caps per app: 100 operation and 10,000 system messages (App.Quotas test_operation_daily, test_system_daily; -1 unlimited), counted per phone reached; over a cap → 10070 (operation) / 10073 (system), codes inferred. Resets at Shanghai midnight.", Level: world.MUST, Source: addendum + "§1.2 (TPNS 35829)", Confidence: "secondary"},
	{ID: ruleTestQuota, Statement: "Test messages (pushMode=1) skip the formal daily totals (but see vivo.test.daily-cap), per-device caps, duplicate-content removal and (App.Settings test_window=true to keep it) the 07:00–23:00 window.", Level: world.MUST, Source: facts + "§3.5; " + addendum + "§1.2", Confidence: "secondary"},
	{ID: ruleNotifyType, Statement: "notifyType is 1 none, 2 sound, 3 vibrate or 4 both; anything else → 10054.", Level: world.MUST, Source: facts + "§3.3", Confidence: "documented"},
	{ID: ruleTitle, Statement: "title is required (10055) and at most 40 characters (10056); App.Settings length_rule=older counts a CJK character as 2 and an emoji as 1, the newer rule (default) counts every character 1.", Level: world.MUST, Source: facts + "§3.3; " + addendum + "§1.6", Confidence: "documented"},
	{ID: ruleContent, Statement: "content is required (10057) and at most 100 characters (10058), counted as for the title.", Level: world.MUST, Source: facts + "§3.3; " + addendum + "§1.6", Confidence: "documented"},
	{ID: ruleTTL, Statement: "timeToLive (seconds, default 86400) is 60…86400 for a single push and 900…86400 for a list payload (App.Quotas ttl_max_s, 604800 in older docs), else 10059; an offline phone gets the message when it comes back within it.", Level: world.MUST, Source: facts + "§3.3; " + addendum + "§1.4", Confidence: "documented"},
	{ID: ruleNetworkType, Statement: "networkType is -1 (any) or 1 (Wi-Fi only), else 10065.", Level: world.MUST, Source: facts + "§3.3", Confidence: "documented"},
	{ID: ruleCallback, Statement: "extra.callback (a URL or a receipt id) is at most 128 characters (10305), extra.callback.param at most 64 (10306).", Level: world.MUST, Source: facts + "§3.3; " + addendum + "§1.5", Confidence: "documented"},
	{ID: ruleSkip, Statement: "skipType 1 opens the app, 2 a URL, 3 a custom action, 4 an in-app page (intent URI); anything else → 10060; skipContent is required for 2/3/4 (10061/10063/10068) and at most 1024 characters (10062/10064/10069). The phone records it as the click action.", Level: world.MUST, Source: facts + "§3.3, §3.6; " + addendum + "§1.6", Confidence: "documented"},
	{ID: ruleCustomMap, Statement: "clientCustomMap holds at most 10 pairs (10066); keys non-empty, every key and value and their total at most 1024 characters, values scalars (10067). The pairs reach the app as the click intent's extras.", Level: world.MUST, Source: facts + "§3.3, §3.6; " + addendum + "§1.6", Confidence: "documented"},
	{ID: ruleClassification, Statement: "classification is 0 (operation) or 1 (system), else 11000; without it and without a category a message is an operation message.", Level: world.MUST, Source: facts + "§3.3", Confidence: "documented"},
	{ID: ruleCategory, Statement: "category is one of IM, ACCOUNT, TODO, DEVICE_REMINDER, ORDER, SUBSCRIPTION (system) or NEWS, CONTENT, MARKETING, SOCIAL (operation), upper case, or an approved custom one (App.Settings custom_categories, system) → else 10096.", Level: world.MUST, Source: addendum + "§1.1", Confidence: "secondary"},
	{ID: ruleMismatch, Statement: "When both are sent, category and classification must agree → 10097.", Level: world.MUST, Source: addendum + "§1.1", Confidence: "documented"},
	{ID: ruleReclassified, Statement: "A system message whose title or content reads as marketing (App.Settings marketing_keywords, comma-separated) is re-classified as an operation message and then follows the operation rules.", Level: world.SHOULD, Source: facts + "§3.5; " + addendum + "§1.1", Confidence: "secondary"},
	{ID: ruleOpPerDevice, Statement: "Formal operation messages: 2 per device per app per day (5 with App.News; App.Quotas operation_per_device); more are accepted and not shown. Resets at Shanghai midnight.", Level: world.MUST, Source: facts + "§3.5; " + addendum + "§1.2", Confidence: "secondary"},
	{ID: ruleOpTotal, Statement: "Formal operation messages per app per day: 2× (3× with App.News) max(notification-enabled devices, 10000) (App.Quotas operation_daily) → 10070 发送总量超出限制.", Level: world.MUST, Source: facts + "§3.5; " + addendum + "§1.2, §1.3", Confidence: "documented"},
	{ID: ruleSysTotal, Statement: "Formal system messages per app per day: 3× max(notification-enabled devices, 10000) (App.Quotas system_daily, -1 unlimited) → 10073; no per-device cap.", Level: world.MUST, Source: addendum + "§1.2, §1.3", Confidence: "secondary"},
	{ID: ruleWindow, Statement: "Operation messages are shown only 07:00–23:00 Asia/Shanghai (App.Settings operation_hours); outside it they are held until 07:00 (and expire if their timeToLive ends first). System messages are not restricted.", Level: world.MUST, Source: facts + "§3.5", Confidence: "secondary"},
	{ID: ruleContentDup, Statement: "A formal operation message whose title and content equal one the device already got today is accepted and not shown.", Level: world.MUST, Source: facts + "§3.5; " + addendum + "§1.6, §5", Confidence: "secondary"},
	{ID: ruleListTargets, Statement: "pushToList needs regIds (or aliases) → 10150, 2…1000 of them → 10153/10154; regIds win when both are sent; bad ones come back in invalidUsers.", Level: world.MUST, Source: facts + "§3.3, §3.4", Confidence: "documented"},
	{ID: ruleListTask, Statement: "pushToList needs the taskId of a saveListPayload of the same app → 10151.", Level: world.MUST, Source: facts + "§3.1, §3.4", Confidence: "documented"},
	{ID: ruleListQuota, Statement: "saveListPayload calls per app per day are capped by App.Quotas list_payloads_daily (none by default: the number is not documented) → 10252.", Level: world.INFO, Source: addendum + "§1.3", Confidence: "inferred"},
	{ID: ruleAllTargets, Statement: "POST /message/all takes /message/send's fields without regId/alias (timeToLive 900…86400 as for a list payload) and sends the message to every phone that has the app installed (pushMode=1: only the test devices), each under the per-device rules (operation cap, duplicates, 07:00–23:00), counted in the daily totals (10070/10073); the answer is a taskId.", Level: world.MUST, Source: facts + "§3.1, §3.3, §3.5", Confidence: "documented"},
	{ID: ruleAllDaily, Statement: "/message/all is accepted once per app per day (App.Quotas all_daily; -1 unlimited); more → 10254 全量发送超过次数限. Test pushes (pushMode=1) are not counted. Resets at Shanghai midnight.", Level: world.MUST, Source: facts + "§3.4, §3.5; " + addendum + "§1.2, §1.3", Confidence: "documented"},
	{ID: ruleTagPush, Statement: "POST /message/tagPush takes /message/all's fields and checks (10045 under review, requestId, daily totals 10070/10073, per-phone rules; not all_daily) plus tagExpression, and sends to the installed phones (pushMode=1: test devices) subscribed to any of orTags (empty: every phone of the app), to every one of andTags and to none of notTags; the tags are the world's topics of the app; the answer is a taskId, a tag nobody has reaches no phone.", Level: world.MUST, Source: facts + "§3.1, §3.3 (S-V1 Sender, TagSegMessage)", Confidence: "inferred"},
	{ID: ruleTagExpression, Statement: "tagExpression is required and an object {orTags, andTags, notTags} of lists of tag names with orTags or andTags not empty (the SDK's validateTagExpression); anything else, or a blank tag, is answered 10601 with the SDK's text 表现组合表达式错误，应有“and”或者“or”标签组合 (the server's code is not documented).", Level: world.MUST, Source: facts + "§3.3, §3.4 (S-V1 Validation)", Confidence: "inferred"},
	{ID: ruleTagMembers, Statement: "POST /tag/addMembers and /tag/removeMembers {name, type, ids} add or remove the phones ids name (type 1 regIds, 2 aliases) as members of the tag: name blank → 10601, type not 1 or 2 → 10616, ids missing or empty → 10609, more than 1000 → 10614; ids naming no installed phone of the app come back in invalidUsers (status 1 unknown, 2 uninstalled) and the rest are done.", Level: world.MUST, Source: facts + "§3.1, §3.4 (S-V1 TagManage, Validation.validateTagMember)", Confidence: "inferred"},
	{ID: ruleTagManage, Statement: "POST /tag/add {name} checks the name (blank → 10601; a tag exists once it has a member); POST /tag/update {oldName, newName} (either blank → 10601) moves every member of oldName to newName.", Level: world.SHOULD, Source: facts + "§3.1, §3.4 (S-V1 TagManage, Validation.validateTagName)", Confidence: "inferred"},
	{ID: rulePath, Statement: "Only POST /message/auth, /message/send, /message/saveListPayload, /message/pushToList, /message/all, /message/tagPush and /tag/{add,update,addMembers,removeMembers} are served (GET /report/getStatistics and /tagGroup/*, /tagSegment/* are not: the facts do not give their answers' shapes).", Level: world.INFO, Source: facts + "§3.1", Confidence: "documented"},
	{ID: ruleContentWord, Statement: "A title or content holding a sensitive word (world content filter: PUT /_pushsim/content/vivo, App.Settings content.sensitive_words) is accepted and never shown (vivo documents no code); the ledger names the word.", Level: world.SHOULD, Source: facts + "§3.5 (not found); " + addendum + "§5", Confidence: "inferred"},
	{ID: ruleContentEmpty, Statement: "A title or content of only symbols (punctuation, symbols that are not emoji, control characters) is rejected as too simple → 10104; an all-whitespace one is empty after trimming → 10055/10057.", Level: world.MUST, Source: addendum + "§1.6, §5", Confidence: "secondary"},
	{ID: ruleContentSimple, Statement: "A title or content that is only digits, only digits and symbols, holds \"测试\" (test) or holds {} or [] brackets is rejected as simple or meaningless → 10104 (App.Settings simple_text: \"strict\" also rejects only English letters, \"off\" none).", Level: world.MUST, Source: addendum + "§1.6, §5 (Aliyun 611820)", Confidence: "secondary"},
	{ID: ruleQPS, Statement: "Push calls (every /message/* API but auth) are limited per app per second by its notification-enabled users: up to 5 million 3000, up to 8 million 4000, more 5000 (App.Quotas qps; -1 none); over it → 10072 发送速度过快 (the code is [unverified]).", Level: world.MUST, Source: facts + "§3.5 (QPS); " + addendum + "§1.3 (10072)", Confidence: "secondary"},
	{ID: ruleContentEncoding, Statement: "A title or content that is not valid UTF-8 (or escapes a lone surrogate, \\ud800) is illegal: title → 10056 title不合法, content → 10058 content不合法.", Level: world.MUST, Source: addendum + "§1.3 (\"<field>不合法\" pattern)", Confidence: "inferred"},
	{ID: ruleContentControls, Statement: "Control characters other than newline and tab in the title or content are stripped on the phone, which shows the rest.", Level: world.INFO, Source: addendum + "§5 (All: characters a phone cannot render)", Confidence: "inferred"},
}

func init() {
	for i := range rules {
		rules[i].Vendor = vendorName
	}
}
