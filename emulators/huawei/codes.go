package huawei

import (
	"net/http"

	"github.com/pushsim/pushsim/emulators/world"
)

// Result codes of the v1 send API and their texts (vendor-facts
// huawei-oppo-fcm-honor.md §1.4; 80300007's text is the one observed in the
// wild, 80100016's is from addendum-gaps-closed.md §5, the others follow the
// meanings the official demos and third-party clients give). Huawei always
// sends the code as a string.
const (
	codeSuccess      = "80000000"
	codePartial      = "80100000"
	codeParam        = "80100001"
	codeStructure    = "80100003"
	codeCollapseKey  = "80100013"
	codeSensitive    = "80100016"
	codeAuth         = "80200001"
	codeExpired      = "80200003"
	codeNoPermission = "80300002"
	codeAllInvalid   = "80300007"
	codeTooBig       = "80300008"
	codeTokenCount   = "80300010"
	codeHighRight    = "80300011"
	codeInternal     = "81000001"
)

var codeText = map[string]string{
	codeSuccess:      "Success",
	codeParam:        "Request parameter check failed",
	codeStructure:    "Incorrect message structure",
	codeCollapseKey:  "The collapse_key message field is invalid",
	codeSensitive:    "Anti-Spam: word is forbidden in [CONTENT]",
	codeAuth:         "OAuth authentication error",
	codeExpired:      "OAuth token expired",
	codeNoPermission: "The current app does not have the permission to send push messages",
	codeAllInvalid:   "All the tokens are invalid",
	codeTooBig:       "The message body size exceeds the default value",
	codeTokenCount:   "The number of tokens in the message body exceeds the default value",
	codeHighRight:    "You are not authorized to send high-priority notification messages",
	codeInternal:     "System internal error",
}

// Text returns the message text Huawei sends with a result code.
func Text(code string) string { return codeText[code] }

// httpStatus is the HTTP status sent with a result code. The facts do not
// give a per-code status for v1 (§1.8); these are the most likely: 200 for
// success and partial success, 401 for OAuth errors (clients re-authenticate
// on 401), 500 for internal errors, 400 otherwise. An app setting
// "http_status.<code>" (e.g. "http_status.80200003": "200") overrides one
// code, "http_status" = "200" sends every answer with 200.
func httpStatus(code string, app *world.App) int { return statusOf(code, app, codeExpired) }

// statusOf is httpStatus and v3Status: the app's override, else 401 for
// the auth codes (expired is the API's own "token expired" code).
func statusOf(code string, app *world.App, expired string) int {
	if app != nil && len(app.Settings) > 0 {
		if v := app.Setting("http_status."+code, app.Setting("http_status", "")); v != "" {
			if n := atoiStatus(v); n != 0 {
				return n
			}
		}
	}
	switch code {
	case codeSuccess, codePartial:
		return http.StatusOK
	case codeAuth, expired:
		return http.StatusUnauthorized
	case codeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func atoiStatus(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	if n < 100 || n > 599 {
		return 0
	}
	return n
}

// OAuth error shape: HTTP 400 {"error":1101,"sub_error":n,"error_description":"..."}
// (§1.2). Sub-errors for client credentials as documented; subGrantType is
// not documented and chosen here.
const (
	oauthError        = 1101
	subSecretWrong    = 12304
	subClientIDFormat = 20002
	subClientUnknown  = 20003
	subSecretEmpty    = 20171
	subGrantType      = 20001 // inferred: grant_type other than client_credentials
	subFlowControl    = 503   // inferred: issuance over 1000 per app per 5 minutes
)

var subText = map[int]string{
	subSecretWrong:    "client_secret is invalid",
	subClientIDFormat: "client_id is invalid, must be 1 to 64 digits",
	subClientUnknown:  "client_id does not exist",
	subSecretEmpty:    "client_secret is empty",
	subGrantType:      "grant_type is invalid, only client_credentials is supported",
	subFlowControl:    "system flow control: too many access tokens requested for this app",
}
