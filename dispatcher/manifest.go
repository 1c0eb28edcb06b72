package dispatcher

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pushsim/pushsim/android"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// ClickError is a certificate whose click action would open nothing on a
// phone with the app's manifest installed: what the guide's FAQ
// "跳转界面不成功怎么排查" asks to check by hand (the console's 单击后续动作
// must match AndroidManifest.xml).
type ClickError struct {
	Vendor string
	Click  push.Click
	// Launch is what the phone would do (Opens is "nothing"), with the
	// android.* rule and the reason.
	Launch android.Launch
}

func (e *ClickError) Error() string {
	return fmt.Sprintf("%s click %s %q opens nothing on the phone: %s (%s)", e.Vendor, clickType(e.Click), e.Click.Target, e.Launch.Reason, e.Launch.Rule)
}

func clickType(c push.Click) string {
	if c.Type == "" {
		return "(none)"
	}
	return c.Type
}

// CheckClick resolves a certificate's click action against the app's
// manifest the way the phone will when the user taps the notification
// (package android): the vendor client's mapping of the click onto the
// vendor's fields, as that vendor's SDK reads them. It returns a
// *ClickError when nothing would open. Certificate.Settings
// "click_starter" ("app" or "push-service") overrides who starts the
// activity (android.StarterFor).
func CheckClick(c push.Certificate, m *android.Manifest) error {
	click, ok := phoneClick(c)
	if !ok {
		return nil // the app's SDK callback decides; nothing to check
	}
	l := android.Resolve(m, click, android.Options{Starter: android.StarterFor(c.Vendor, c.Settings["click_starter"])})
	if l.Opens == android.OpensNothing {
		return &ClickError{Vendor: c.Vendor, Click: c.Click, Launch: l}
	}
	return nil
}

// phoneClick is what each vendor client sends for the certificate's click
// (dispatcher/<vendor>), as the phone receives it; false when the click
// goes to the app's SDK callback. Keep it in step with those clients.
func phoneClick(c push.Certificate) (android.Click, bool) {
	target := strings.TrimSpace(c.Click.Target)
	class := android.BuildClassName(c.Package, push.ActivityClass(target))
	switch c.Click.Type {
	case "", "launcher":
		if c.Vendor == "xiaomi" && c.Click.Type == "" {
			return android.Click{}, false // no notify_effect: onNotificationMessageClicked decides
		}
		return android.Click{Kind: android.ClickLauncher}, true
	case "intent":
		switch c.Vendor {
		case "oppo":
			if !strings.HasPrefix(target, "intent:") {
				return android.Click{Kind: android.ClickAction, Target: target}, true // click_action_type 1
			}
		case "meizu":
			return android.Click{Kind: android.ClickURL, Target: target}, true // clickType 2
		case "fcm":
			return android.Click{Kind: android.ClickAction, Target: target}, true // click_action
		}
		return android.Click{Kind: android.ClickIntent, Target: target}, true
	case "activity":
		if c.Vendor == "fcm" {
			return android.Click{Kind: android.ClickAction, Target: target}, true // click_action is an intent action
		}
		// Xiaomi, Huawei and vivo send intent:#Intent;component=pkg/cls;end;
		// OPPO (4) and Meizu (1) the class: the same explicit component.
		return android.Click{Kind: android.ClickComponent, Target: class}, true
	case "action":
		return android.Click{Kind: android.ClickAction, Target: target}, true
	case "url":
		if c.Vendor == "fcm" {
			return android.Click{Kind: android.ClickLauncher}, true // FCM opens no URL: data["url"], the launcher opens
		}
		return android.Click{Kind: android.ClickURL, Target: target}, true
	case "custom":
		return android.Click{}, false
	}
	return android.Click{}, false
}

// manifestProblems reads the certificate's manifest (a path relative to
// dir) and checks its click against it; the path is made absolute in c.
func manifestProblems(c *push.Certificate, dir string) []problem {
	if c.Manifest == "" {
		return nil
	}
	p := c.Manifest
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	c.Manifest = p
	m, err := android.ReadManifest(p)
	if err != nil {
		return []problem{{"manifest", err.Error()}}
	}
	m.SetPackage(c.Package)
	if c.Package != "" && m.Package != c.Package {
		return []problem{{"manifest", fmt.Sprintf("%s is package %s, but the certificate's package is %s", p, m.Package, c.Package)}}
	}
	if err := CheckClick(*c, m); err != nil {
		return []problem{{"click", err.Error()}}
	}
	return nil
}
