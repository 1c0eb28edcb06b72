package meizu

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids, used in the ledger, scenarios and reports.
const (
	rulePath         = "meizu.request.path"
	ruleForm         = "meizu.request.form"
	ruleSize         = "meizu.request.size"
	ruleRequired     = "meizu.params.required"
	ruleAppID        = "meizu.auth.app-id"
	ruleSign         = "meizu.auth.sign"
	ruleSecret       = "meizu.auth.secret"
	ruleQPS          = "meizu.rate.qps"
	rulePackage      = "meizu.package.restricted"
	ruleTargetsMax   = "meizu.targets.max"
	ruleJSON         = "meizu.message.json"
	ruleBooleans     = "meizu.message.booleans"
	ruleTitle        = "meizu.notice.title"
	ruleContent      = "meizu.notice.content"
	ruleStyleFields  = "meizu.notice.style-fields"
	ruleVip          = "meizu.vip.info"
	ruleUploadImg    = "meizu.upload.img"
	ruleClick        = "meizu.click.type"
	ruleParameters   = "meizu.click.parameters"
	ruleTTL          = "meizu.ttl.offline"
	ruleNotifyKey    = "meizu.notify-key.replaces"
	ruleWindow       = "meizu.display.window"
	rulePushIDFormat = "meizu.pushid.illegal"
	rulePushIDUnreg  = "meizu.pushid.unregistered"
	ruleAlias        = "meizu.alias.unsubscribed"
	ruleSwitchOff    = "meizu.switch.off"
	ruleTargetRate   = "meizu.rate.target"
	ruleFolded       = "meizu.rate.device-minute"
	rulePublicDaily  = "meizu.quota.public-daily"
	rulePrivate      = "meizu.quota.private-unlimited"
	ruleAppDaily     = "meizu.quota.app-daily"
	ruleAppCount     = "meizu.quota.app-count"
	rulePassThrough  = "meizu.pass-through.restricted"

	ruleTaskCreate   = "meizu.task.create"
	ruleTaskID       = "meizu.task.id"
	ruleTaskPush     = "meizu.task.push"
	ruleTaskCap      = "meizu.task.cap"
	rulePushToApp    = "meizu.task.push-to-app"
	ruleTaskSchedule = "meizu.task.schedule"
	ruleTaskCancel   = "meizu.task.cancel"

	ruleTagPush      = "meizu.tag.push"
	ruleTagNames     = "meizu.tag.names"
	ruleTagSubscribe = "meizu.tag.subscribe"
	ruleTagDeviceMax = "meizu.tag.device-max"

	ruleContentWord     = "meizu.content.sensitive-word"
	ruleContentEmpty    = "meizu.content.empty"
	ruleContentControls = "meizu.content.control-chars"
)

const (
	facts    = "vendor-facts/xiaomi-meizu-vivo.md "
	addendum = "vendor-facts/addendum-gaps-closed.md "
)

var rules = []world.Rule{
	{ID: rulePath, Statement: "Pushes are POSTs to /garcia/api/server/push/{varnished,unvarnished}/pushBy{PushId,Alias}, the task APIs to .../push/task/{varnished,unvarnished}/pushBy{PushId,Alias} and .../push/pushTask/{getTaskId,pushToApp,pushToTag,cancel}, the picture upload to .../push/uploadImg, the tag subscriptions to .../server/message/{subscribeTags,unSubscribeTags,getSubTags,unSubAllTags} (getSubTags also by GET); an unknown path is answered HTTP 404 and another method HTTP 405, both with code 500 in Meizu's envelope.", Level: world.INFO, Source: facts + "§2.1", Confidence: "inferred"},
	{ID: ruleForm, Statement: "The body is an application/x-www-form-urlencoded UTF-8 form; a broken %-escape or a value that is not UTF-8 is answered 1005 参数错误，请参考API文档.", Level: world.MUST, Source: facts + "§2.3", Confidence: "inferred"},
	{ID: ruleSize, Statement: "A body over 512 KiB (100 pushIds and a full messageJson need about 10 KiB) is answered 1005.", Level: world.SHOULD, Source: facts + "§2.3, §2.5", Confidence: "inferred"},
	{ID: ruleRequired, Statement: "appId, pushIds (or alias), messageJson and sign are required; a missing or empty one is answered 110004 参数不能为空.", Level: world.MUST, Source: facts + "§2.3; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleAppID, Statement: "An appId that is not a number or names no Meizu app is answered 110000 appId不合法.", Level: world.MUST, Source: facts + "§2.2; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleSign, Statement: "sign = lowercase hex md5 of every other parameter sorted by name, joined as name=value with no separator, with the AppSecret appended (values un-escaped); any other sign is answered 1006 签名认证失败.", Level: world.MUST, Source: facts + "§2.2", Confidence: "documented"},
	{ID: ruleSecret, Statement: "A sign made with the app's AppKey in place of its AppSecret (the Go SDK names the argument appKey) is answered 110033 非法的appSecret (App.Settings app_key_sign_code=1006 answers 1006 instead).", Level: world.SHOULD, Source: facts + "§2.2; " + addendum + "§4.1", Confidence: "inferred"},
	{ID: ruleQPS, Statement: "At most 200 requests per app per second (App.Quotas qps); over it the whole request is answered 110010 应用请求频率超过限制 and nothing is sent.", Level: world.MUST, Source: facts + "§2.4, §2.5", Confidence: "secondary"},
	{ID: rulePackage, Statement: "restrictedPackageNames (comma-joined, at most 50) must include the app's package, else 110031 packageName不合法; absent means every package of the app.", Level: world.MUST, Source: facts + "§2.3; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleTargetsMax, Statement: "pushIds or alias hold at most 100 comma-joined targets (App.Quotas max_targets); more is answered 1005. A target listed twice gets one message.", Level: world.MUST, Source: facts + "§2.1, §2.5", Confidence: "documented"},
	{ID: ruleJSON, Statement: "messageJson is a JSON object with the documented objects and types (noticeMsgType 0/1, noticeBarType 0–2, noticeExpandType 0–2, extra.callback ≤ 128 bytes, callback.param ≤ 64, callback.type 1–3); anything else is answered 1005.", Level: world.MUST, Source: facts + "§2.3", Confidence: "documented"},
	{ID: ruleBooleans, Statement: "Switch fields (offLine, suspend, clearNoticeBar, fixDisplay, vibrate, lights, sound) are accepted as 0/1 (HTTP spec, Go SDK) and as true/false (Java SDK's fastjson); other values are answered 1005.", Level: world.MUST, Source: facts + "§2.3", Confidence: "inferred"},
	{ID: ruleTitle, Statement: "noticeBarInfo.title is required (110004) and 1–32 characters, a CJK character counting 1 (1005 above; App.Quotas title_max).", Level: world.MUST, Source: facts + "§2.3, §2.5", Confidence: "documented"},
	{ID: ruleContent, Statement: "noticeBarInfo.content is required (110004) and 1–100 characters (1005 above; App.Quotas content_max).", Level: world.MUST, Source: facts + "§2.3, §2.5", Confidence: "documented"},
	{ID: ruleStyleFields, Statement: "A style names what it shows: noticeBarType 1 (picture) needs noticeBarInfo.noticeBarImgUrl, noticeExpandType 1 (text) noticeExpandInfo.noticeExpandContent, noticeExpandType 2 (big picture) noticeExpandInfo.noticeExpandImgUrl; missing → 110004 参数不能为空 (the code is inferred, as for clickType's fields).", Level: world.MUST, Source: facts + "§2.3", Confidence: "documented"},
	{ID: ruleVip, Statement: "vipInfo.timeTop (pinned for a time) is 1800–7200 seconds and excludes vipInfo.pullDownTop (pinned at once); vipInfo.titleColor is #206CFF or #E42D22; zero or empty values count as not sent (the Java SDK always sends vipInfo); else 1005 (the code is inferred).", Level: world.SHOULD, Source: facts + "§2.3", Confidence: "documented"},
	{ID: ruleUploadImg, Statement: "POST .../push/uploadImg (appId, imgType, imgUrl, sign) answers value {imgType, imgUrl} with a Meizu-hosted URL for the picture (the emulator fetches nothing; the hosted host is inferred); a missing imgType or imgUrl → 110004, imgType not a number or imgUrl not an http(s) URL of at most 1000 bytes → 1005.", Level: world.SHOULD, Source: facts + "§2.1, §2.4", Confidence: "inferred"},
	{ID: ruleClick, Statement: "clickTypeInfo.clickType 0 opens the app, 1 the activity named in `activity`, 2 the URI in `url` (≤ 1000 bytes), 3 hands `customAttribute` (≤ 1000 bytes) to the app; the field a type needs missing → 110004, another type or longer value → 1005.", Level: world.MUST, Source: facts + "§2.3, §2.6", Confidence: "documented"},
	{ID: ruleParameters, Statement: "clickTypeInfo.parameters is a JSON object handed to the opened page as intent string extras (string values byte for byte, others as their JSON text); anything else is answered 1005.", Level: world.MUST, Source: facts + "§2.3, §2.6", Confidence: "documented"},
	{ID: ruleTTL, Statement: "pushTimeInfo.offLine 1 (default) keeps the message for an offline phone validTime hours (1–72, default 24, else 1005); offLine 0 reaches only a phone online now.", Level: world.MUST, Source: facts + "§2.3, §2.5", Confidence: "documented"},
	{ID: ruleNotifyKey, Statement: "advanceInfo.notifyKey ([0-9a-zA-Z_-], ≤ 8 characters, else 1005) collapses: a new message with the same key replaces the one shown, so only the last is shown.", Level: world.MUST, Source: facts + "§2.3", Confidence: "documented"},
	{ID: ruleWindow, Statement: "advanceInfo.fixDisplay 1 shows the message only from fixStartDisplayTime to fixEndDisplayTime (yyyy-MM-dd HH:mm:ss, Asia/Shanghai; both required and start before end, else 1005): held until the start, dropped if not shown by the end.", Level: world.SHOULD, Source: facts + "§2.3", Confidence: "inferred"},
	{ID: rulePushIDFormat, Statement: "A pushId not of the SDK's form (3 upper-case letters or digits and 42 lower-case hex digits) is listed under 110003 in `value`; the other targets are sent.", Level: world.MUST, Source: facts + "§2.2, §2.4", Confidence: "inferred"},
	{ID: rulePushIDUnreg, Statement: "A well-formed pushId that no phone of the app has (or whose app was uninstalled) is listed under 110002 in `value`.", Level: world.MUST, Source: facts + "§2.4; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleAlias, Statement: "An alias that no phone of the app subscribed (App.Extra alias.<alias>, or the phone's name), or whose phone switched messages off, is listed under 110005 in `value`.", Level: world.MUST, Source: facts + "§2.4; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleSwitchOff, Statement: "A pushId whose phone switched the app's messages off is listed under 110010 in `value` (the same number as the request-level rate code) and nothing is shown.", Level: world.MUST, Source: facts + "§2.4; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleTargetRate, Statement: "Targets beyond the app's configured rate (App.Quotas target_rate targets per second; no default: Meizu publishes none) are listed under 518 in `value`, to be retried.", Level: world.SHOULD, Source: facts + "§2.4, §2.5", Confidence: "inferred"},
	{ID: ruleFolded, Statement: "More than 5 messages to one phone from one app within a minute (App.Quotas device_per_minute): the extra targets are listed under 520 in `value` and not shown.", Level: world.MUST, Source: facts + "§2.4, §2.5", Confidence: "documented"},
	{ID: rulePublicDaily, Statement: "Public messages (noticeBarInfo.noticeMsgType 0, the default): 3 per phone per app per day, 5 with a news licence (App.Quotas public_per_device); over it the target is listed under 110011 in `value`. Resets at Shanghai midnight.", Level: world.MUST, Source: facts + "§2.5; " + addendum + "§4.1", Confidence: "secondary"},
	{ID: rulePrivate, Statement: "Private messages (noticeMsgType 1, 私信) have no daily cap.", Level: world.MUST, Source: facts + "§2.5", Confidence: "secondary"},
	{ID: ruleAppDaily, Statement: "App.Quotas daily_pushes caps the app's push requests per day (no default: the number is not published); over it the request is answered 110019 超过该应用每天推送次数限制.", Level: world.SHOULD, Source: facts + "§2.5; " + addendum + "§4.2", Confidence: "inferred"},
	{ID: ruleAppCount, Statement: "App.Quotas daily_targets caps the messages (targets) an app sends per day (no default); once reached a request is answered 110051 超过该应用的次数限制.", Level: world.SHOULD, Source: facts + "§2.5; " + addendum + "§4.2", Confidence: "inferred"},
	{ID: rulePassThrough, Statement: "Pass-through (unvarnished) pushes are restricted since 2018-06-16: answered 110053 透传超过限制 unless App.Settings pass_through=allowed, when the content (≤ 2000 bytes) reaches the app, never the shade.", Level: world.MUST, Source: facts + "§2.1, §2.3, §2.5", Confidence: "documented"},
	{ID: ruleTaskCreate, Statement: "POST .../pushTask/getTaskId (appId, pushType, messageJson, sign) stores a message: pushType is required (110004) and 0 notification or 1 pass-through (else 1005), messageJson is checked as pushByPushId checks it (pass-through: 110053 while restricted); the answer is code 200 with value {taskId, pushType, appId} and nothing is sent.", Level: world.MUST, Source: facts + "§2.1, §2.4 (S-M2 README)", Confidence: "documented"},
	{ID: ruleTaskID, Statement: "A task call without taskId is answered 110004; a taskId that is not a number, not one of the app's tasks, or pushed through the other type's path (varnished vs unvarnished) or, for a pushToApp or pushToTag task, to targets is answered 110032 非法的taskId.", Level: world.MUST, Source: facts + "§2.4; " + addendum + "§4.1", Confidence: "documented"},
	{ID: ruleTaskPush, Statement: "POST .../task/varnished/pushByPushId and .../pushByAlias (appId, taskId, pushIds or alias, sign) send the stored message to at most 100 targets, with the same msgId answer and per-target `value` map as pushByPushId (110002, 110003, 110005, 110010, 110011, 518, 520); the message is checked again when pushed.", Level: world.MUST, Source: facts + "§2.1, §2.4, §2.5", Confidence: "documented"},
	{ID: ruleTaskCap, Statement: "The emulator keeps at most App.Quotas tasks_max (10000) tasks per app and 64 MiB of stored messages in all; the oldest go first and their taskId is answered 110032 (Meizu publishes no task lifetime or count).", Level: world.INFO, Source: facts + "§2.1 (no number given)", Confidence: "inferred"},
	{ID: rulePushToApp, Statement: "POST .../pushTask/pushToApp (appId, pushType, messageJson, sign) sends a notification to every phone that has the app installed and answers value {taskId, pushType, appId}; pushType 1 (pass-through) is answered 110053; each phone is admitted as a pushByPushId target is (switch off, daily public cap, per-minute fold), refusals are in the ledger only.", Level: world.MUST, Source: facts + "§2.1, §2.5 (S-M2 README)", Confidence: "documented"},
	{ID: ruleTaskSchedule, Statement: "A pushToApp with pushTimeInfo.pushTimeType 1 is held for every phone until startTime (yyyy-MM-dd HH:mm:ss, Asia/Shanghai; missing or malformed → 1005, pushTimeType not 0/1 → 1005) and its validTime counts from there; a start that has passed sends at once.", Level: world.SHOULD, Source: "S-M2 README (pushToApp), cited by " + facts + "§2.1", Confidence: "inferred"},
	{ID: ruleTaskCancel, Statement: "POST .../pushTask/cancel (appId, taskId, pushType, sign) cancels a pushToApp or pushToTag task: what it has not delivered yet (held for its start or an offline phone) is withdrawn and the answer is value {result: true}; a task with nothing left, or cancelled before, is answered 500 任务已取消[已完成]，无法取消; a getTaskId task 110032.", Level: world.MUST, Source: facts + "§2.1; " + addendum + "§4.1 (S-M2 README)", Confidence: "documented"},
	{ID: ruleTagPush, Statement: "POST .../pushTask/pushToTag (appId, pushType, tagNames, scope, messageJson, sign) sends the message to the app's installed phones subscribed to the tags (the world's topics): scope 0 any of them (union), 1 all of them (intersection); missing scope → 110004, another value → 1005; pushType 1 (pass-through) is answered 110053 while restricted; each phone is admitted as a pushByPushId target is, the answer is value {taskId, pushType, appId}, the task may start later (pushTimeType 1) and pushTask/cancel withdraws it. Tags nobody subscribed: accepted, no phone reached.", Level: world.MUST, Source: facts + "§2.1 (S-M2 README 应用标签推送; S-M1 IFlymePush.pushToTag, ScopeType, cancelTaskPush)", Confidence: "documented"},
	{ID: ruleTagNames, Statement: "tagNames (pushToTag) and tags (subscribeTags, unSubscribeTags) are comma-joined, trimmed, repeats dropped: none → 110004 参数不能为空; more than 100 (App.Quotas max_tags), one over 20 characters (tag_max_len) or one with control characters → 1005. The numbers are the subscription API's; their codes are not documented.", Level: world.MUST, Source: facts + "§2.1, §2.4 (S-M2 README 标签订阅: 单个标签20个字符限制，100个标签数量限制)", Confidence: "inferred"},
	{ID: ruleTagSubscribe, Statement: "The tag subscription APIs (api-push.meizu.com .../server/message/subscribeTags, unSubscribeTags, getSubTags, unSubAllTags; appId, pushId, [tags], sign) change and list the pushId's tags, the world's topics: the answer is value {pushId, tags: [{tagId, tagName}]} with every tag the phone holds after the call (unSubAllTags: value true). A missing pushId → 110004, one not of the SDK's form → 110003, one no installed phone of the app has → 110002.", Level: world.MUST, Source: facts + "§2.1 (S-M2 README 订阅服务; S-M1 IFlymePushSub, TagInfo)", Confidence: "documented"},
	{ID: ruleTagDeviceMax, Statement: "A pushId holds at most 100 tags (App.Quotas topics_per_device); a subscribeTags that would pass it is answered 1005 and none of its tags is kept.", Level: world.SHOULD, Source: facts + "§2.1 (S-M2 README 标签订阅: 100个标签数量限制)", Confidence: "inferred"},
	{ID: ruleContentWord, Statement: "A title, content, subtitle, expanded text or pass-through content holding a sensitive word (world content filter: PUT /_pushsim/content/meizu, App.Settings content.sensitive_words) is accepted (code 200) and never shown; Meizu documents no word rule or code.", Level: world.SHOULD, Source: facts + "§2.5; " + addendum + "§5", Confidence: "inferred"},
	{ID: ruleContentEmpty, Statement: "A title or content with nothing to show (only whitespace, punctuation, symbols that are not emoji, control characters) passes the 1–32 / 1–100 length rule, is accepted and never shown.", Level: world.SHOULD, Source: facts + "§2.3; " + addendum + "§5 (All: simple characters filtered)", Confidence: "inferred"},
	{ID: ruleContentControls, Statement: "Control characters other than newline and tab in the title or content are stripped on the phone, which shows the rest (a value that is not UTF-8 is meizu.request.form, 1005).", Level: world.INFO, Source: addendum + "§5 (All: characters a phone cannot render)", Confidence: "inferred"},
}

func init() {
	rules = append(rules, world.FaultRuleOf(vendorName))
	for i := range rules {
		rules[i].Vendor = vendorName
	}
}

// Rules lists the rules the Meizu emulator enforces.
func (e *Emulator) Rules() []world.Rule { return append([]world.Rule(nil), rules...) }
