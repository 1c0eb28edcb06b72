package oppo

// Return codes and their English descriptions, exactly as OPPO's common
// return-code table and the unicast page give them (vendor-facts
// huawei-oppo-fcm-honor.md §2.4; texts from addendum-gaps-closed.md §3.2 and
// the page copies it cites). OPPO sends the English description as `message`.
const (
	codeFlowControl      = -2
	codeUnavailable      = -1
	codeSuccess          = 0
	codeInvalidToken     = 11
	codeMethod           = 12
	codeCallLimited      = 13
	codeInvalidAppKey    = 14
	codeMissingAppKey    = 15
	codeInvalidSign      = 16
	codeMissingSign      = 17
	codeMissingTimestamp = 18
	codeInvalidTimestamp = 19
	codeInvalidMethod    = 20
	codeInvalidEncoding  = 25
	codeMissingToken     = 29
	codeDataNotExist     = 31
	codeDailyLimit       = 33
	codeMissingArgs      = 40
	codeInvalidArgs      = 41
	codeFrequencyLimit   = 55
	codeTemplateNull     = 54
	codeCategory         = 67
	codeInvalidRegID     = 10000
)

var codeText = map[int]string{
	codeFlowControl:      "Service in Flow Control",
	codeUnavailable:      "Service Currently Unavailable",
	codeSuccess:          "Success",
	codeInvalidToken:     "Invalid AuthToken",
	codeMethod:           "Http Action Not Allowed",
	codeCallLimited:      "App Call Limited",
	codeInvalidAppKey:    "Invalid App Key",
	codeMissingAppKey:    "Missing App Key",
	codeInvalidSign:      "Invalid Signature",
	codeMissingSign:      "Missing Signature",
	codeMissingTimestamp: "Missing Timestamp",
	codeInvalidTimestamp: "Invalid Timestamp",
	codeInvalidMethod:    "Invalid Method",
	codeInvalidEncoding:  "Invalid Encoding",
	codeMissingToken:     "Missing Auth Token",
	codeDataNotExist:     "Data Not Exist", // the table's meaning; the English wording is not in the facts (inferred)
	codeDailyLimit:       "The number of messages exceeds the daily limit",
	codeMissingArgs:      "Missing Required Arguments",
	codeInvalidArgs:      "Invalid Arguments",
	codeFrequencyLimit:   "App Call Frequency Limit",
	codeTemplateNull:     "private_msg_template_id is null",
	codeCategory:         "Category error/Private classify channel notify_level invalid",
	codeInvalidRegID:     "Invalid Registration_id",
}

// Text returns OPPO's English description of a return code.
func Text(code int) string { return codeText[code] }
