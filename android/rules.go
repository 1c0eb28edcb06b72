package android

// Rule ids: what the phone checks when a notification is tapped. They are
// the phone's rules, not a vendor's, so they are named android.*.
const (
	RuleResolves         = "android.click.resolves"
	RuleIntentURI        = "android.click.intent-uri"
	RuleComponent        = "android.click.component"
	RuleExported         = "android.click.exported"
	RuleFilter           = "android.click.filter"
	RuleLauncher         = "android.click.launcher"
	RuleBrowser          = "android.click.browser"
	RuleCallback         = "android.click.callback"
	RuleExtras           = "android.click.extras"
	RuleExportedExplicit = "android.manifest.exported-explicit"
)

// Rule is one rule of the phone, as the conformance catalogue lists it
// (the catalogue files these under the vendor "android").
type Rule struct {
	ID         string `json:"id"`
	Statement  string `json:"statement"`
	Level      string `json:"level"`      // MUST, SHOULD, INFO
	Source     string `json:"source"`     // where the behaviour is specified
	Confidence string `json:"confidence"` // documented, inferred
}

const (
	aosp  = "AOSP frameworks/base "
	guide = "offline-push-integration-guide.zh.md "
)

// Rules lists the rules Resolve applies.
func Rules() []Rule {
	return []Rule{
		{RuleResolves, "A tap on a notification opens the activity its click action names (intent URI, class, action or launcher), as the app's AndroidManifest.xml declares it", "MUST",
			guide + "步骤3 (单击后续动作, 清单文件配置), 常见问题 (跳转界面不成功怎么排查)", "documented"},
		{RuleIntentURI, "An intent URI is read as Intent.parseUri(uri, URI_INTENT_SCHEME) reads it: #Intent;...;end, name=value items, typed extras S. B. b. c. d. f. i. l. s., URL-decoded values; a malformed one opens nothing", "MUST",
			aosp + "Intent.parseUriInternal", "documented"},
		{RuleComponent, "An explicit component (component=pkg/cls, an activity class) must name an enabled activity (or activity-alias) declared in the installed app's manifest; otherwise nothing opens", "MUST",
			aosp + "ActivityStarter / PackageManager.resolveActivity; guide 常见问题 (控制台和清单文件相关配置是否对应)", "documented"},
		{RuleExported, "When another app (the vendor's push service) starts the activity, it must be exported (android:exported=\"true\", or intent filters without the attribute) and not protected by a permission; the app's own push SDK may start any of its activities", "MUST",
			aosp + "ActivityManager.checkComponentPermission; vendor-facts/xiaomi-meizu-vivo.md §3.6 (vivo), huawei-oppo-fcm-honor.md §1.6 (Huawei)", "documented"},
		{RuleFilter, "An implicit intent (an intent action, a deep link) opens an activity only if one of its intent filters matches the action, every category plus android.intent.category.DEFAULT, and the data's scheme, host, port and path", "MUST",
			aosp + "IntentFilter.match / matchData, PatternMatcher; guide 步骤3 (清单文件配置: scheme, host, path)", "documented"},
		{RuleLauncher, "A launcher click (Xiaomi notify_effect 1, Huawei type 3, OPPO 0, vivo skipType 1, Meizu clickType 0, FCM without click_action) opens the activity with an ACTION_MAIN / CATEGORY_LAUNCHER filter", "MUST",
			aosp + "PackageManager.getLaunchIntentForPackage; guide 步骤3 (Google FCM: 默认会跳转至应用的 Launcher 界面)", "documented"},
		{RuleBrowser, "A web URL click (Xiaomi notify_effect 3, Huawei type 2, OPPO 2, vivo skipType 2, Meizu clickType 2 with http(s)) opens the browser at that URL; another scheme is an ACTION_VIEW deep link matched against the app's filters", "SHOULD",
			"vendor-facts §1.6/§2.6/§3.6 of each vendor", "documented"},
		{RuleCallback, "A client-defined click (Xiaomi without notify_effect, vivo skipType 3, Meizu clickType 3) opens no activity by itself: the app's push SDK callback receives it", "INFO",
			"vendor-facts/xiaomi-meizu-vivo.md §1.6, §2.6, §3.6", "documented"},
		{RuleExtras, "The message's custom content (ext, data, action_parameters, clientCustomMap, parameters) reaches the opened activity byte for byte in getIntent().getExtras() (Xiaomi: inside the MiPushMessage under key_message)", "MUST",
			guide + "步骤8 (getIntent().getExtras())", "documented"},
		{RuleExportedExplicit, "An app targeting Android 12 (API 31) or later whose activity has intent filters but no android:exported cannot be installed on Android 12+, so nothing of it opens", "MUST",
			"developer.android.com behavior-changes-12 (safer component exporting); " + aosp + "ParsingPackageUtils", "documented"},
	}
}
