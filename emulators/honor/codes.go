package honor

import (
	"net/http"
	"strconv"

	"github.com/pushsim/pushsim/emulators/world"
)

// Codes of the send API. Honor sends `code` as a JSON number and 200 for
// success (§2.4). Its error table is not found (§2.7): the errors use
// Huawei Push Kit's numbers and meanings (Honor's API copies Huawei's v1),
// so a client written for one reads the other.
const (
	codeSuccess      = 200
	codeParam        = 80100001
	codeStructure    = 80100003
	codeSensitive    = 80100016
	codeAuth         = 80200001
	codeExpired      = 80200003
	codeNoPermission = 80300002
	codeAllInvalid   = 80300007
	codeTooBig       = 80300008
	codeTokenCount   = 80300010
	codeTestLimit    = 80300029
	codeInternal     = 81000001
)

var codeText = map[int]string{
	codeSuccess:      "success",
	codeParam:        "Request parameter check failed",
	codeStructure:    "Incorrect message structure",
	codeSensitive:    "Anti-Spam: word is forbidden in [CONTENT]",
	codeAuth:         "Authentication failed",
	codeExpired:      "Access token expired",
	codeNoPermission: "The app does not have the permission to send push messages",
	codeAllInvalid:   "All the tokens are invalid",
	codeTooBig:       "The message body size exceeds the default value",
	codeTokenCount:   "The number of tokens in the message body exceeds the default value",
	codeTestLimit:    "The number of test messages exceeds the daily limit",
	codeInternal:     "System internal error",
}

// Text returns the message text sent with a code ("" when unknown).
func Text(code int) string { return codeText[code] }

// httpStatus is the HTTP status of a code. Honor's are not found (§2.7);
// Huawei's choices are used: 200 for success, 401 for authentication (so
// clients that only look at the status re-authenticate), 503 for flow
// control, 500 for internal errors, 400 for the rest. App.Settings
// "http_status.<code>" or "http_status" override.
func httpStatus(code int, app *world.App) int {
	if app != nil && len(app.Settings) > 0 {
		if v := app.Setting("http_status."+strconv.Itoa(code), app.Setting("http_status", "")); v != "" {
			if n, err := strconv.Atoi(v); err == nil && n >= 100 && n <= 599 {
				return n
			}
		}
	}
	switch code {
	case codeSuccess:
		return http.StatusOK
	case codeAuth, codeExpired:
		return http.StatusUnauthorized
	case codeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
