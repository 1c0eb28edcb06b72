package meizu

// Meizu's result codes and their `message` texts, copied from the PushAPI
// README return-code table and the Java SDK's ErrorCode / PushResponseCode
// (vendor-facts/xiaomi-meizu-vivo.md §2.4, addendum-gaps-closed.md §4.1).
// Codes travel as JSON strings.
const (
	codeOK            = "200"
	codeOther         = "500"  // 其他错误 (also: unknown path, wrong method; inferred)
	codeSystem        = "1001" // 系统错误
	codeBusy          = "1003" // 服务器忙
	codeParameter     = "1005" // 参数错误，请参考API文档
	codeSign          = "1006" // 签名认证失败
	codeAppID         = "110000"
	codeAppKey        = "110001"
	codePushIDUnknown = "110002"
	codePushIDIllegal = "110003"
	codeEmpty         = "110004"
	codeAliasInvalid  = "110005"
	codeBlacklisted   = "110009"
	codeRate          = "110010" // request level: app too fast; per target: switch off
	codePublicDaily   = "110011" // per target: the device's daily public (公信) cap
	codeAppDaily      = "110019"
	codePackage       = "110031"
	codeTaskID        = "110032"
	codeAppSecret     = "110033"
	codeAppCount      = "110051"
	codePassThrough   = "110053"

	// Per-target codes in `value` only.
	codeNoPermission = "201"
	codeTargetRate   = "518" // the target exceeded the configured rate: retry it
	codeFolded       = "520" // more than 5 messages to one device within a minute
)

// codeText is the `message` of a request-level answer. 110010 has three
// documented wordings (README table 应用推送速率过快, Java SDK 应用请求频率过快,
// README response example 应用请求频率超过限制); the emulator answers with the
// response example's, the form real answers show.
var codeText = map[string]string{
	codeOK:            "",
	codeOther:         "其他错误",
	codeSystem:        "系统错误",
	codeBusy:          "服务器忙",
	codeParameter:     "参数错误，请参考API文档",
	codeSign:          "签名认证失败",
	codeAppID:         "appId不合法",
	codeAppKey:        "appKey不合法",
	codePushIDUnknown: "pushId未注册",
	codePushIDIllegal: "pushId非法",
	codeEmpty:         "参数不能为空",
	codeBlacklisted:   "应用被加入黑名单",
	codeRate:          "应用请求频率超过限制",
	codeAppDaily:      "超过该应用每天推送次数限制",
	codePackage:       "packageName不合法",
	codeTaskID:        "非法的taskId",
	codeAppSecret:     "非法的appSecret",
	codeAppCount:      "超过该应用的次数限制",
	codePassThrough:   "透传超过限制",
}

// Text returns the `message` Meizu sends with a request-level code.
func Text(code string) string { return codeText[code] }
