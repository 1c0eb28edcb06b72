package harness

import (
	"strings"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/emulators/world"
)

// Certificate derives the dispatcher's push certificate (the IM console's
// "add certificate" form, guide steps 2–4) from an app as the vendor's
// console holds it (field conventions: emulators/world/console.go), pointed
// at the emulators through baseURL. Scenarios override single fields with
// given.certificates.
//
// Each vendor's case sets what an IM backend would configure for IM
// messages: the credentials, the package, the click action of "单击后续动作",
// and the vendor's IM class (private channel, IM category, ...).
func Certificate(app *world.App, businessID int, baseURL string) push.Certificate {
	c := push.Certificate{
		BusinessID: businessID,
		Vendor:     app.Vendor,
		Package:    app.Package,
		BaseURL:    baseURL,
	}
	switch app.Vendor {
	case "xiaomi":
		// AppSecret authenticates; the IM messages go on the app's first
		// private channel; a tap opens the app's main activity by intent.
		c.AppID, c.AppKey, c.AppSecret = app.ID, app.Key, app.Secret
		c.Channel = channelOfClass(app, world.ClassPrivate)
		c.Class = world.ClassPrivate
		c.Click = push.Click{Type: "intent", Target: "intent:#Intent;component=" + app.Package + "/.MainActivity;end"}
	case "huawei":
		// client_id and secret get the OAuth token; IM messages are
		// self-classified as IM; the badge names the launcher activity.
		c.AppID, c.AppSecret = app.ID, app.Secret
		c.Category = "IM"
		c.Click = push.Click{Type: "intent", Target: "intent:#Intent;component=" + app.Package + "/.MainActivity;end"}
		c.Settings = map[string]string{"badge_class": app.Package + ".MainActivity"}
		// HarmonyOS NEXT (settings api: v3): the service-account key file
		// and its project id (App.Key).
		c.ServiceAccount, c.ProjectID = app.Extra["service_account"], app.Key
	case "oppo":
		c.AppID, c.AppKey, c.MasterSecret = app.ID, app.Key, app.Secret
		c.AppSecret = app.Extra["app_secret"]
		c.Channel = channelOfClass(app, world.ClassPrivate)
		c.Category = "IM"
		c.TemplateID = app.Extra["private_msg_template_id"]
		c.Click = push.Click{Type: "activity", Target: app.Package + ".MainActivity"}
	case "vivo":
		c.AppID, c.AppKey, c.AppSecret = app.ID, app.Key, app.Secret
		c.Classification, c.Category = 1, "IM"
		c.Click = push.Click{Type: "intent", Target: "intent:#Intent;component=" + app.Package + "/.MainActivity;end"}
	case "meizu":
		c.AppID, c.AppSecret = app.ID, app.Secret
		c.NoticeMsgType = 1
		c.Click = push.Click{Type: "activity", Target: app.Package + ".MainActivity"}
	case "fcm":
		c.ProjectID = app.ID
		c.ServiceAccount = app.Extra["service_account"]
		c.Channel = channelOfClass(app, world.ClassPrivate)
		c.Click = push.Click{Type: "launcher"}
	case "apns":
		// Token-based auth (Team ID, Key ID, the .p8), the bundle id as the
		// topic. An app whose tokens are of one environment is reached
		// there: /sandbox or /production behind the emulator's prefix.
		c.AppID, c.AppKey, c.AppSecret = app.ID, app.Key, app.Extra["p8"]
		switch env := app.Settings["environment"]; env {
		case "development", "production":
			c.Settings = map[string]string{"environment": env}
			if baseURL != "" {
				c.BaseURL = strings.TrimRight(baseURL, "/") + map[string]string{"development": "/sandbox", "production": "/production"}[env]
			}
		}
	case "honor":
		// The App ID names the send path, the Client ID and Secret get the
		// token; IM messages are service & communication (importance
		// NORMAL); a tap opens the main activity by intent; the badge names
		// the launcher activity.
		c.AppID, c.AppKey, c.AppSecret = app.ID, app.Key, app.Secret
		c.Importance = "NORMAL"
		c.Click = push.Click{Type: "intent", Target: "intent:#Intent;component=" + app.Package + "/.MainActivity;end"}
		c.Settings = map[string]string{"badge_class": app.Package + ".MainActivity"}
	default:
		c.AppID, c.AppKey, c.AppSecret = app.ID, app.Key, app.Secret
	}
	return c
}

// channelOfClass is the first registered channel of a class, or "".
func channelOfClass(app *world.App, class string) string {
	for _, ch := range app.Channels {
		if ch.Class == class {
			return ch.ID
		}
	}
	return ""
}
