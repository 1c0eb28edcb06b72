package oppo

import (
	"strings"

	"github.com/pushsim/pushsim/emulators/world"
)

// regIDPrefix is how a China-region OPPO registration id starts
// (`OPPO_CN_<32 hex>`, vendor-facts §2.1).
const regIDPrefix = "OPPO_CN_"

// NewToken makes a registration id in the real China form, OPPO_CN_<32 hex>.
func (e *Emulator) NewToken(*world.App) string {
	return regIDPrefix + e.w.RandString(32, world.Hex)
}

// validRegID reports whether s has the form of a China-region registration
// id: 32 hex characters (or the SDK's 24-hex object id) with no prefix, with
// `CN_`, or with `<brand>_CN_` (vendor-facts §2.1, addendum §3.1). Ids of
// other regions are not valid on the China host.
func validRegID(s string) bool {
	var segs [4]string
	n := 0
	for n < len(segs) {
		i := strings.IndexByte(s, '_')
		if i < 0 {
			segs[n] = s
			n++
			break
		}
		segs[n] = s[:i]
		s = s[i+1:]
		n++
		if n == len(segs) {
			return false // too many segments
		}
	}
	id := segs[n-1]
	switch n {
	case 1:
	case 2:
		if segs[0] != "CN" {
			return false
		}
	case 3:
		if segs[0] == "" || segs[1] != "CN" {
			return false
		}
	default:
		return false
	}
	return (len(id) == 32 || len(id) == 24) && isHex(id)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// DemoApp fills in an app's package and credentials in OPPO's formats where
// they are empty: AppId (numeric), AppKey, AppSecret (kept in Extra["app_secret"]),
// MasterSecret (Secret, used for signing), an "im" channel of the private
// class, the IM category privilege and a private IM template id
// (Extra["private_msg_template_id"]) so that IM pushes pass out of the box.
func (e *Emulator) DemoApp(app *world.App) {
	if app.Package == "" {
		app.Package = "com.example.chat"
	}
	if app.ID == "" {
		app.ID = "3" + e.w.RandString(7, "0123456789")
	}
	if app.Key == "" {
		app.Key = e.w.RandString(32, world.Hex)
	}
	if app.Secret == "" {
		app.Secret = e.w.RandString(32, world.Hex)
	}
	if app.Extra == nil {
		app.Extra = map[string]string{}
	}
	if app.Extra["app_secret"] == "" {
		app.Extra["app_secret"] = e.w.RandString(32, world.Hex)
	}
	if app.Extra["private_msg_template_id"] == "" {
		app.Extra["private_msg_template_id"] = "tpl_im_" + e.w.RandString(8, world.Hex)
	}
	if len(app.Channels) == 0 {
		app.Channels = []world.Channel{{ID: "im", Name: "Messages", Class: world.ClassPrivate}}
	}
	if len(app.Privileges) == 0 {
		app.Privileges = []string{PrivilegeCategory + "IM"}
	}
}
