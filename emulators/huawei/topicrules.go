package huawei

import "github.com/pushsim/pushsim/emulators/world"

// Rule ids of the topic API (topic.go) and of topic and condition sends
// (topicsend.go).
const (
	RuleTopicManage     = "huawei.topic.manage"
	RuleTopicName       = "huawei.topic.name"
	RuleTopicTokenArray = "huawei.topic.token-array"
	RuleTopicMax        = "huawei.topic.max-per-token"
	RuleTopicList       = "huawei.topic.list"
	RuleTopicSend       = "huawei.topic.send"
	RuleTopicCondition  = "huawei.topic.condition"
)

const (
	srcTopicAPI  = "vendor-facts/huawei-oppo-fcm-honor.md §1.1 (topic subscribe, unsubscribe, list), §1.4 (82000001-82000013); HMS Core topic-sub-api, push-topicunsubscribeapi, push-topiclistapi pages; HW-JAVA ResponceCodeProcesser (code texts)"
	srcTopicSend = "vendor-facts/huawei-oppo-fcm-honor.md §1.3 (topic, condition); go-hms-push message.go (condition operators, five topics)"
)

func init() {
	rules = append(rules,
		rule(RuleTopicManage, "POST /v1/{appId}/topic:subscribe and topic:unsubscribe take {topic, tokenArray} and answer {code, msg, requestId, successCount, failureCount, errors: [{index, reason}]}: 80000000 when every token was (un)subscribed; a token that is not the app's fails (80300007 when none succeeded, else 82000010 `Some token is wrong`, HTTP 200)", world.MUST, srcTopicAPI, "secondary"),
		rule(RuleTopicName, "A topic is at most 900 characters of letters, digits, _ - . ~ % and Chinese (pushsim keeps at most 1024 bytes); anything else, or no topic, is 82000007 `Invalid topic`", world.MUST, srcTopicAPI, "documented"),
		rule(RuleTopicTokenArray, "tokenArray holds 1 to 1000 tokens; missing, empty or longer is 82000008 `Token array null or transfinited`", world.MUST, srcTopicAPI, "documented"),
		rule(RuleTopicMax, "An app instance subscribes to at most 2000 topics (App.Quotas topics_per_device); a token already at the limit fails with reason `Topic num transfinited, at most 2000`, and the answer is 82000009 when that is every failure", world.MUST, srcTopicAPI, "documented"),
		rule(RuleTopicList, "POST /v1/{appId}/topic:list with {token} answers {code, msg, requestId, topics: [{name, addDate: yyyy-MM-dd}]}; no token is 82000011 `Token is null`, a token that is not the app's 80300007", world.MUST, srcTopicAPI, "documented"),
		rule(RuleTopicSend, "message.topic (the topic name pattern, else 80100001) is accepted whoever is subscribed and reaches the app's Android phones subscribed to it, each under the message's classification and caps", world.MUST, srcTopicSend, "documented"),
		rule(RuleTopicCondition, "message.condition combines 'topic' in topics with &&, ||, ! and parentheses, at most 5 topics (App.Quotas condition_topics), && before || (App.Settings condition_order=left-to-right: as written); ! also reaches phones with no topic; a malformed condition is 80100001", world.MUST, srcTopicSend, "secondary"),
	)
}
