package dispatcher

// Rule is one decision the dispatcher must honour, as the conformance
// suite's catalogue lists it (pushsim rules): a stable id, one line, a level,
// where it comes from and how sure that source is.
type Rule struct {
	ID        string `json:"id"`
	Statement string `json:"statement"`
	// Level is MUST (breaking it loses or leaks a message), SHOULD (a
	// weaker experience) or INFO (recorded, not judged).
	Level string `json:"level"`
	// Source is the integration guide's section (offline-push-integration-guide.zh.md).
	Source string `json:"source"`
	// Confidence is documented (the guide says so) or inferred (what an IM
	// backend has to do for the guide's promise to hold).
	Confidence string `json:"confidence"`
}

// Rule ids the catalogue adds beside the outcome rules of api.go: they are
// checked on the phone, not named by an outcome.
const (
	RuleTruncate     = "im.message.truncate"
	RuleNoFilter     = "im.content.no-avoidable-filter"
	RuleTokenReplace = "im.token.replace"
)

const guide = "offline-push-integration-guide.zh.md "

// Rules lists every IM decision rule, in the guide's order. A scenario
// names them in `rules:`; a test keeps the list and the scenarios in step.
func Rules() []Rule {
	return []Rule{
		{RuleLogout, "A device whose user logged out gets no offline push, whatever token it reported before", "MUST", guide + "概述", "documented"},
		{RuleKick, "A device kicked by a login elsewhere gets no offline push", "MUST", guide + "概述", "documented"},
		{RuleTokenReplace, "A token reported for a device replaces the token it reported before; only the newest is pushed to", "MUST", guide + "步骤5 (setOfflinePushConfig)", "inferred"},
		{RuleNoToken, "A device that reported no token (or whose token was removed) is not pushed; its outcome says no-token", "MUST", guide + "步骤5 (setOfflinePushConfig)", "inferred"},
		{RuleForeground, "A device in the foreground gets the message over the long connection, not as a vendor push", "SHOULD", guide + "步骤6 (doForeground)", "documented"},
		{RuleBadge, "A pushed device's badge is the unread count it reported with doBackground plus the messages since", "SHOULD", guide + "步骤6 (doBackground(unread))", "documented"},
		{RulePlaceholder, "An image, voice, file or video message is pushed with a short placeholder body ([图片], [语音], [文件], [视频])", "SHOULD", guide + "步骤7 (OfflinePushInfo)", "inferred"},
		{RuleTitleSender, "A 1:1 message's title defaults to the sender's nickname (else the sender's id)", "SHOULD", guide + "步骤7 (OfflineMessageBean.nickname)", "documented"},
		{RuleTitleGroup, "A group message's title defaults to the group's name (else its id)", "SHOULD", guide + "步骤7 (chatInfo.getChatName())", "inferred"},
		{RuleCustomNeedsDesc, "A custom message is not pushed unless OfflinePushInfo.desc is set; with desc, desc is the body", "MUST", guide + "常见问题 2 (自定义消息)", "documented"},
		{RuleDisable, "OfflinePushInfo.disable suppresses the vendor push", "MUST", guide + "步骤7 (OfflinePushInfo)", "documented"},
		{RuleExtRoundTrip, "OfflinePushInfo.ext reaches the phone byte for byte, so the app can parse it on click", "MUST", guide + "步骤7 setExt, 步骤8 (getIntent().getExtras())", "documented"},
		{RuleClickAction, "A tap opens what the certificate's 单击后续动作 configures (intent URI, activity, launcher for FCM)", "MUST", guide + "步骤2–3 (跳转界面), 常见问题 (跳转界面不成功)", "documented"},
		{RuleSoundOverride, "OfflinePushInfo's Android sound overrides the certificate's on Huawei, Xiaomi and FCM", "SHOULD", guide + "常见问题 (自定义推送的声音)", "documented"},
		{RuleOPPOChannel, "The OPPO channel id comes from the message when set, else from the certificate; without one an Android 8+ OPPO phone shows nothing", "MUST", guide + "步骤7 setAndroidOPPOChannelID, 常见问题 1 (OPPO 手机)", "documented"},
		{RuleTruncate, "Titles and bodies are cut to the vendor's limit on character boundaries, never refused for length", "SHOULD", guide + "步骤7 (OfflinePushInfo) with each vendor's field limits", "inferred"},
		{RuleNoFilter, "The dispatcher never causes an accepted-not-shown for content it could have avoided: it drops control characters and bytes that are not UTF-8, cuts to the vendor's counting rule, and pushes a placeholder instead of a title or body with nothing to show", "SHOULD", guide + "常见问题 (按照流程接入完成，还是收不到离线推送: 厂商会过滤简单字符)", "inferred"},
		{RuleGroupFanout, "A group message reaches every member's devices except the sender's, each decided on its own", "MUST", guide + "步骤7 (sendMessage to a groupID)", "documented"},
		{RuleBatchPerVendor, "Devices of one vendor app are batched up to the vendor's limit (Xiaomi/Huawei/OPPO 1000, Meizu 100, FCM 1 per request)", "SHOULD", guide + "常见问题 (厂商推送限制) with the vendors' batch limits", "inferred"},
		{RuleInvalidToken, "A token the vendor calls invalid or unregistered is removed; the device is not pushed again until it reports a new one", "SHOULD", guide + "常见问题 4 (设备状态异常)", "inferred"},
		{RuleQuotaNoRetry, "A vendor quota answer is recorded as over-quota and not retried that day", "SHOULD", guide + "常见问题 (厂商推送限制: 每日限制)", "documented"},
		{RuleRetryBackoff, "Retryable vendor answers are retried with backoff honouring Retry-After, with the same idempotency key", "SHOULD", guide + "常见问题 4 (推送不及时)", "inferred"},
		{RuleCircuit, "A vendor whose calls keep failing is paused, then probed with one call; pushes wait within their retry budget and the other vendors go on", "SHOULD", guide + "常见问题 4 (推送不及时)", "inferred"},
	}
}
