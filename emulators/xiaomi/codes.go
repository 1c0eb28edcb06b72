package xiaomi

// Xiaomi's own codes. Chinese descriptions are copied from the official Java
// server SDK's ErrorCode table (vendor-facts §1.4 "older generic platform
// codes", S-X1) or from observed answers (21301, 20301); where neither has a
// text (27001, 650xx, 200001, 200002) the description is our own wording in
// the same style, marked "inferred".
const (
	codeOK              = 0
	codeParameter       = 10008 // 参数错误，请参考API文档
	codeMissingParam    = 10016 // 缺失必选参数
	codeIllegalValue    = 10017 // 参数值非法
	codeRequestTooLong  = 10018 // 请求长度超过限制 (older SDK table; the send API's body limit)
	codeAPINotFound     = 10020 // 接口不存在
	codeMethod          = 10021 // 请求的HTTP方法不支持
	codeTooFrequent     = 10027 // 应用的API调用太频繁 (older table's rate-limit code)
	codeSendFailed      = 20301 // 发送消息失败 (No valid targets!)
	codeAuth            = 21301 // 认证失败
	codePackage         = 22022 // 应用程序package name不合法
	codeChannel         = 27001 // invalid channel info!
	codeContentTooLong  = 65009 // message content too long (payload limit, off by default)
	codeTooManyExtras   = 65014 // too many key/value pairs
	codeExtraTooLong    = 65015 // key/value too long
	codeQuota           = 200001
	codeQPS             = 200002 // addendum §2.3: the newer claim for QPS overrun
	descSuccess         = "成功"
	descAuth            = "认证失败"
	descSendFailed      = "发送消息失败"
	descParameter       = "参数错误，请参考API文档"
	descMissingParam    = "缺失必选参数"
	descIllegalValue    = "参数值非法"
	descRequestTooLong  = "请求长度超过限制"
	descAPINotFound     = "接口不存在"
	descMethod          = "请求的HTTP方法不支持"
	descTooFrequent     = "应用的API调用太频繁"
	descPackage         = "应用程序package name不合法"
	descChannel         = "通知类别信息不匹配"  // inferred wording
	descContentTooLong  = "消息内容过长"     // inferred wording
	descTooManyExtras   = "键值对数目超过限制"  // inferred wording
	descExtraTooLong    = "键值对的长度超过限制" // inferred wording
	descQuota           = "超出每日推送数量限制" // inferred wording
	reasonAuth          = "Invalid application secret."
	reasonNoTargets     = "No valid targets!"
	reasonChannel       = "invalid channel info!"
	reasonMethod        = "Request method not supported."
	reasonAPINotFound   = "Request api not found."
	reasonTooManyExtras = "Too many extra key/value pairs, at most 10."
)

// Codes of the topic sends (topic.go), vendor-facts §1.4 table; the Chinese
// descriptions are our wording (inferred).
const (
	codeInvalidTopic   = 20209 // invalid topic
	codeBroadcastOften = 26004 // broadcast sent too frequently
	codeTopicTooLong   = 65010 // topic too long
	codeTopicEmpty     = 65013 // topic empty
	codeTooManyTopics  = 65035 // too many topics
	descInvalidTopic   = "无效的topic"
	descBroadcastOften = "广播消息发送过于频繁"
	descTopicTooLong   = "topic过长"
	descTopicEmpty     = "topic为空"
	descTooManyTopics  = "topic数目超过限制"
)

// codeText gives the description for a code (the Chinese text Xiaomi puts in
// "description").
func codeText(code int) string {
	switch code {
	case codeOK:
		return descSuccess
	case codeParameter:
		return descParameter
	case codeMissingParam:
		return descMissingParam
	case codeIllegalValue:
		return descIllegalValue
	case codeRequestTooLong:
		return descRequestTooLong
	case codeAPINotFound:
		return descAPINotFound
	case codeMethod:
		return descMethod
	case codeTooFrequent, codeQPS:
		return descTooFrequent
	case codeSendFailed:
		return descSendFailed
	case codeAuth:
		return descAuth
	case codePackage:
		return descPackage
	case codeChannel:
		return descChannel
	case codeContentTooLong:
		return descContentTooLong
	case codeTooManyExtras:
		return descTooManyExtras
	case codeExtraTooLong:
		return descExtraTooLong
	case codeQuota:
		return descQuota
	case codeInvalidTopic:
		return descInvalidTopic
	case codeBroadcastOften:
		return descBroadcastOften
	case codeTopicTooLong:
		return descTopicTooLong
	case codeTopicEmpty:
		return descTopicEmpty
	case codeTooManyTopics:
		return descTooManyTopics
	case codeSubscribeFailed:
		return descSubscribeFailed
	case codeUnsubscribeFailed:
		return descUnsubscribeFailed
	case codeTraceForbidden:
		return descTraceForbidden
	case codeTraceOften:
		return descTraceOften
	case codeMsgNotFound:
		return descMsgNotFound
	}
	return "未知错误"
}
