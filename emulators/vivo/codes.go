package vivo

// Result codes and their desc texts. Texts marked "facts" are copied from
// vendor-facts (addendum §1.3); the others were not collected and follow the
// vendor's documented pattern "<field>不合法" / "<field> 不能为空" (addendum
// §1.3: "Other business errors follow the pattern").
const (
	codeOK = 0

	// Auth (/message/auth), §3.2.
	codeAppIDEmpty     = 10200 // facts: "appId 不能为空"
	codeAppKeyEmpty    = 10201 // facts: "appKey 不能为…" (cut off; "不能为空" inferred)
	codeAppKeyIllegal  = 10202
	codeTimestampEmpty = 10203
	codeSignEmpty      = 10204
	codeAppIDUnknown   = 10205
	codeSignWrong      = 10206
	codeTimestampBad   = 10207
	codeAuthRate       = 10250

	// authToken missing, unknown or expired on a push call. The facts hold
	// 10000 鉴权失败 only from one hand-written fixture [unverified]; nothing
	// better is documented (addendum §1.3, §6).
	codeAuthFailed = 10000

	// Push messages, §3.4 and addendum §1.3.
	codeNoTarget         = 10050
	codeNotifyType       = 10054
	codeTitleEmpty       = 10055
	codeTitleLong        = 10056
	codeContentEmpty     = 10057
	codeContentLong      = 10058
	codeTTL              = 10059
	codeSkipType         = 10060
	codeURLEmpty         = 10061
	codeURLLong          = 10062
	codeCustomEmpty      = 10063
	codeCustomLong       = 10064
	codeNetworkType      = 10065
	codeCustomMapCount   = 10066
	codeCustomMapIllegal = 10067
	codeActivityEmpty    = 10068
	codeActivityLong     = 10069
	codeOperationTotal   = 10070
	codeSystemTotal      = 10073
	codeRestricted       = 10045
	codeAppIDMismatch    = 10094
	codeCategory         = 10096
	codeCategoryMismatch = 10097
	codeListEmpty        = 10150
	codeTaskIDEmpty      = 10151
	codeRegIDsCount      = 10153
	codeAliasesCount     = 10154
	codeListPayloadQuota = 10252
	codeAllDaily         = 10254 // /message/all over its daily count
	codeAliasLong        = 10301
	codeRegID            = 10302
	codeCallbackLong     = 10305
	codeCallbackParam    = 10306
	codeRequestIDEmpty   = 10352
	codeRequestIDLong    = 10353
	codeClassification   = 11000

	// Tags (facts §3.4, the SDK's validateTagMember): name empty, ids
	// empty, more than 1000 ids, type not 1 or 2. tagPush's expression
	// errors reuse 10601 (inferred: the SDK refuses them without a code).
	codeTagName     = 10601
	codeTagIDsEmpty = 10609
	codeTagIDsLimit = 10614
	codeTagType     = 10616
	// A title or content with nothing meaningful (only symbols), addendum
	// §1.6; the desc is not documented (own wording in vivo's style).
	codeSimple = 10104
)

var descs = map[int]string{
	codeOK:               "请求成功", // facts
	codeAppIDEmpty:       "appId 不能为空",
	codeAppKeyEmpty:      "appKey 不能为空",
	codeAppKeyIllegal:    "appKey不合法",
	codeTimestampEmpty:   "timestamp 不能为空",
	codeSignEmpty:        "sign 不能为空",
	codeAppIDUnknown:     "appId不存在",
	codeSignWrong:        "sign不合法",
	codeTimestampBad:     "timestamp不合法",
	codeAuthRate:         "鉴权接口调用超出频率限制",
	codeAuthFailed:       "鉴权失败", // facts [unverified]
	codeNoTarget:         "alias和regId 不能同时为空",
	codeNotifyType:       "notifyType不合法",
	codeTitleEmpty:       "title 不能为空",
	codeTitleLong:        "title不合法",
	codeContentEmpty:     "content 不能为空",
	codeContentLong:      "content不合法",
	codeTTL:              "timeToLive不合法",
	codeSkipType:         "skipType不合法",
	codeURLEmpty:         "skipContent 不能为空",
	codeURLLong:          "skipContent不合法",
	codeCustomEmpty:      "skipContent 不能为空",
	codeCustomLong:       "skipContent不合法",
	codeNetworkType:      "networkType不合法",
	codeCustomMapCount:   "clientCustomMap不合法",
	codeCustomMapIllegal: "clientCustomMap不合法",
	codeActivityEmpty:    "skipContent 不能为空",
	codeActivityLong:     "skipContent不合法",
	codeOperationTotal:   "发送总量超出限制", // facts
	codeSystemTotal:      "系统消息发送总量超出限制",
	codeRestricted:       "应用审核中不可发送正式消息", // facts
	codeAppIDMismatch:    "appId不合法",
	codeCategory:         "category不合法",
	codeCategoryMismatch: "category与classification不匹配",
	codeListEmpty:        "aliases和regIds 不能同时为空",
	codeTaskIDEmpty:      "taskId 不能为空",
	codeRegIDsCount:      "regIds不合法",
	codeAliasesCount:     "aliases不合法",
	codeListPayloadQuota: "批量发送消息体超出限制", // facts
	codeAllDaily:         "全量发送超过次数限",   // facts (the text really ends "次数限")
	codeAliasLong:        "alias不合法",
	codeRegID:            "regId不合法", // facts
	codeCallbackLong:     "callback不合法",
	codeCallbackParam:    "callback.param不合法",
	codeRequestIDEmpty:   "requestId 不能为空",
	codeRequestIDLong:    "requestId不合法",
	codeClassification:   "classification不合法",
	codeSimple:           "title或content内容过于简单",
	codeTooFast:          "发送速度过快", // facts [unverified]
	codeTagName:          "name 不能为空",
	codeTagIDsEmpty:      "ids 不能为空",
	codeTagIDsLimit:      "ids不合法",
	codeTagType:          "type不合法",
}

func desc(code int) string { return descs[code] }

// invalidUser.status values (addendum §1.3).
const (
	statusUnknown     = 1 // the id does not exist for this app
	statusUninstalled = 2 // uninstalled, unsubscribed or app data cleared
	statusNotTest     = 4 // pushMode=1 to a device that is not a test device
)

// serverFault is the plain-text body of HTTP 500 (facts §3.2).
const serverFault = "Internet server error!"
