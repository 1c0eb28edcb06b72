package android

import (
	"fmt"
	"sort"
	"strings"
)

// Click kinds: what a vendor's click fields amount to on the phone. Each
// side maps its vendor's own fields (notify_effect, click_action.type,
// click_action_type, skipType, clickType, click_action) onto these.
const (
	ClickLauncher  = "launcher"  // the launcher activity (getLaunchIntentForPackage)
	ClickComponent = "component" // an activity class of the app, started explicitly
	ClickAction    = "action"    // an intent action, resolved among the app's intent filters
	ClickIntent    = "intent"    // an intent URI, read by Intent.parseUri
	ClickURL       = "url"       // http(s): the browser; intent: an intent URI; another scheme: an ACTION_VIEW deep link
	ClickCallback  = "callback"  // handed to the app's push SDK callback: the app's code decides
)

// What a tap opens.
const (
	OpensActivity = "activity"
	OpensBrowser  = "browser"
	OpensCallback = "callback"
	OpensNothing  = "nothing"
)

// Click is a notification's click action as the phone receives it.
type Click struct {
	Kind   string `json:"kind"`
	Target string `json:"target,omitempty"` // class, action, intent URI or URL
	// Extras are what the vendor's SDK puts on the launching intent after
	// reading Target (the message's ext / data / parameters); they replace
	// intent-URI extras of the same key, as a later putExtra does.
	Extras Extras `json:"extras,omitempty"`
}

// Starter is who starts the activity when the user taps. It decides
// whether android:exported matters: ActivityManager lets an app start any
// of its own activities (same uid), but another app only exported ones
// whose android:permission it holds (checkComponentPermission; a
// PendingIntent starts with the identity of the app that created it).
type Starter struct {
	// By names who starts it ("the HMS push service", "the MiPush SDK in the app").
	By string `json:"by"`
	// SameApp is true when the vendor's SDK inside the app starts the
	// activity (or creates the notification's PendingIntent).
	SameApp bool `json:"same_app"`
	// Categories are added to the intent before resolution.
	Categories []string `json:"categories,omitempty"`
	// Source says where this comes from.
	Source string `json:"source"`
}

// Starters, per vendor. Where the vendor facts are silent the choice is
// marked inferred; either side can override it (App.Settings or
// Certificate.Settings "click_starter": "app" or "push-service").
var starters = map[string]Starter{
	"xiaomi": {By: "the MiPush SDK in the app", SameApp: true,
		Source: "inferred: the MiPush client SDK receives the tap (onNotificationMessageClicked; SDK ≥ 4.8.6 for Android 12's notification-trampoline rule, Mi Push client SDK guide pId=1704) and starts the intent_uri activity from the app's own uid"},
	"huawei": {By: "the HMS push service", SameApp: false,
		Source: "vendor-facts/huawei-oppo-fcm-honor.md §1.6: the launch is cross-app, so the target activity must be exported and not permission-protected"},
	"oppo": {By: "the OPPO push service (com.heytap.mcs)", SameApp: false,
		Source: "inferred: OPPO's system push service posts the notification and starts the page; OPPO's FAQ asks for android.intent.category.DEFAULT on click_action_type 1 filters, which only an implicit startActivity needs"},
	"vivo": {By: "the vivo push service", SameApp: false,
		Source: "vendor-facts/xiaomi-meizu-vivo.md §3.6: since client SDK 3.0.0.0 the target activity must be android:exported=\"true\""},
	"meizu": {By: "the Flyme push SDK in the app", SameApp: true,
		Source: "inferred: vendor-facts/xiaomi-meizu-vivo.md §2.6: the app's SDK receives onNotificationClicked and clickType 3 stops working on Android 12 (the trampoline rule), so the SDK in the app handles the tap"},
	"fcm": {By: "the Firebase Messaging SDK in the app", SameApp: true,
		Source: "vendor-facts/huawei-oppo-fcm-honor.md §3.6: the FCM SDK in the app builds the notification, so its PendingIntent carries the app's identity"},
	"honor": {By: "the Honor push service", SameApp: false, Categories: []string{CategoryBrowsable},
		Source: "vendor-facts/apns-honor-huawei-v3.md §2.6: the device checks the intent with category BROWSABLE added"},
}

// StarterFor is who starts a tapped notification's activity for a
// vendor; setting, when "app" or "push-service", overrides it. An unknown
// vendor is treated as another app (the strict case).
func StarterFor(vendor, setting string) Starter {
	s, ok := starters[vendor]
	if !ok {
		s = Starter{By: vendor + "'s push service", Source: "unknown vendor: treated as another app"}
	}
	switch setting {
	case "app":
		s.SameApp, s.By, s.Source = true, "the push SDK in the app", "click_starter=app (configured)"
	case "push-service":
		s.SameApp, s.By, s.Source = false, vendor+"'s push service", "click_starter=push-service (configured)"
	}
	return s
}

// Options are the phone's side of a resolution.
type Options struct {
	Starter Starter
	// API is the phone's API level (0 = the newest).
	API int
}

// Launch is what a tap does.
type Launch struct {
	Opens    string `json:"opens"` // activity, browser, callback, nothing
	Activity string `json:"activity,omitempty"`
	// Alias is the <activity-alias> the intent named, when it did.
	Alias      string            `json:"alias,omitempty"`
	LaunchMode string            `json:"launch_mode,omitempty"`
	Flags      []string          `json:"flags,omitempty"`
	FlagsValue string            `json:"flags_value,omitempty"` // hex
	Task       string            `json:"task,omitempty"`
	URL        string            `json:"url,omitempty"`  // what the browser opens
	Data       string            `json:"data,omitempty"` // the intent's data URI (getIntent().getData())
	Extras     Extras            `json:"extras,omitempty"`
	ExtraTypes map[string]string `json:"extra_types,omitempty"`
	// Intent is what was started, without its extras (they are Extras).
	Intent  *Intent `json:"intent,omitempty"`
	Starter Starter `json:"starter"`
	// Rule is the android.* rule that decided (RuleResolves when an
	// activity opens); Reason says why, in full, when nothing opens.
	Rule   string   `json:"rule"`
	Reason string   `json:"reason,omitempty"`
	Notes  []string `json:"notes,omitempty"`
}

// Resolve decides what tapping a notification with click c opens on a
// phone with the app of manifest m installed, as Android would. It never
// panics; every way to open nothing has its rule and reason.
func Resolve(m *Manifest, c Click, opt Options) Launch {
	base := Launch{Starter: opt.Starter}
	nothing := func(rule, format string, a ...any) Launch {
		l := base
		l.Opens, l.Rule, l.Reason = OpensNothing, rule, fmt.Sprintf(format, a...)
		return l
	}
	if m == nil {
		return nothing(RuleComponent, "the app is not installed (no manifest)")
	}
	if probs := m.Problems(opt.API); len(probs) > 0 {
		return nothing(RuleExportedExplicit, "the app cannot be installed on this phone: %s", probs[0])
	}
	target := strings.TrimSpace(c.Target)
	var in *Intent
	switch c.Kind {
	case ClickCallback:
		l := base
		l.Opens, l.Rule = OpensCallback, RuleCallback
		l.Reason = "the click goes to the app's push SDK callback (no activity is named): what opens is up to the app's code"
		l.Extras, l.ExtraTypes = c.Extras, c.Extras.Types()
		return l
	case ClickLauncher:
		a, ok := m.Launcher()
		if !ok {
			return nothing(RuleLauncher, "%s has no enabled activity with an intent filter for %s and %s, so the launcher click opens nothing", m.Package, ActionMain, CategoryLauncher)
		}
		// getLaunchIntentForPackage: MAIN/LAUNCHER made explicit, NEW_TASK.
		in = &Intent{Action: ActionMain, Categories: []string{CategoryLauncher}, Package: m.Package,
			Component: &Component{Package: m.Package, Class: a.Name}}
	case ClickComponent:
		if target == "" {
			return nothing(RuleComponent, "the click names no activity class")
		}
		in = &Intent{Component: &Component{Package: m.Package, Class: BuildClassName(m.Package, target)}}
	case ClickAction:
		if target == "" {
			return nothing(RuleFilter, "the click names no intent action")
		}
		in = &Intent{Action: target, Package: m.Package}
	case ClickIntent:
		var err error
		if in, err = ParseIntentURI(target); err != nil {
			return nothing(RuleIntentURI, "%v", err)
		}
	case ClickURL:
		u := ParseUri(target)
		if target == "" {
			return nothing(RuleBrowser, "the click names no URL")
		}
		if strings.HasPrefix(target, "intent:") || strings.HasPrefix(target, "android-app:") {
			// An app page given as a URL (Meizu clickType 2, OPPO type 5)
			// is read by Intent.parseUri like any intent URI.
			return Resolve(m, Click{Kind: ClickIntent, Target: c.Target, Extras: c.Extras}, opt)
		}
		if u.Scheme == "http" || u.Scheme == "https" {
			l := base
			l.Opens, l.URL, l.Rule = OpensBrowser, target, RuleBrowser
			return l
		}
		in = &Intent{Action: ActionView}
		in.setData(target)
	default:
		return nothing(RuleResolves, "unknown click kind %q", c.Kind)
	}
	// A notification is tapped outside any activity: the SDK or the
	// PendingIntent adds FLAG_ACTIVITY_NEW_TASK (startActivity from a
	// non-activity context requires it).
	in.Flags |= FlagActivityNewTask
	if c.Kind == ClickLauncher {
		in.Flags |= FlagActivityResetTaskIfNeeded
	}
	for _, cat := range opt.Starter.Categories {
		in.addCategory(cat)
	}
	for _, x := range c.Extras {
		in.Extras.Put(x.Key, x.Type, x.Value)
	}
	return resolveIntent(m, in, opt, base)
}

func resolveIntent(m *Manifest, in *Intent, opt Options, base Launch) Launch {
	base.Intent = in.withoutExtras()
	nothing := func(rule, format string, a ...any) Launch {
		l := base
		l.Opens, l.Rule, l.Reason = OpensNothing, rule, fmt.Sprintf(format, a...)
		return l
	}
	if c := in.Component; c != nil {
		if c.Package != m.Package {
			return nothing(RuleComponent, "component %s is in package %s, but the app installed is %s: Android finds no such activity", c, c.Package, m.Package)
		}
		a, ok := m.Activity(c.Class)
		if !ok {
			return nothing(RuleComponent, "no activity %s is declared in the manifest of %s%s", c.Class, m.Package, didYouMean(m, c.Class))
		}
		return start(m, a, in, opt, base)
	}
	match := in
	if in.Selector != nil {
		match = in.Selector // Android resolves an intent with a selector by its selector
	}
	if in.Package != "" && in.Package != m.Package {
		return nothing(RuleFilter, "the intent is limited to package %s, but the app installed is %s", in.Package, m.Package)
	}
	type hit struct {
		a        *Activity
		priority int
		order    int
	}
	var hits []hit
	var closest *Activity
	var closestFilter *IntentFilter
	var closestMatch FilterMatch
	closestMatch.stage = -1
	for i := range m.Activities {
		a := &m.Activities[i]
		for j := range a.Filters {
			f := &a.Filters[j]
			r := f.Match(match, CategoryDefault)
			if r.OK {
				hits = append(hits, hit{a, f.Priority, i})
				break
			}
			if r.stage > closestMatch.stage {
				closest, closestFilter, closestMatch = a, f, r
			}
		}
	}
	if len(hits) == 0 {
		if data, ok := match.DataURI(); ok && match.Action == ActionView && in.Package == "" && (data.Scheme == "http" || data.Scheme == "https") {
			l := base
			l.Opens, l.URL, l.Rule = OpensBrowser, data.Raw, RuleBrowser
			l.Notes = append(l.Notes, "no activity of the app handles this web link, so the browser opens it")
			return l
		}
		var why strings.Builder
		fmt.Fprintf(&why, "no activity of %s has an intent filter matching %s", m.Package, describe(match))
		if in.ComponentText != "" {
			fmt.Fprintf(&why, " (component=%s has no '/', so Android dropped it and resolved the intent implicitly)", in.ComponentText)
		}
		if closest != nil {
			fmt.Fprintf(&why, "; the closest, %s", closest.Name)
			if closestFilter.Line > 0 {
				fmt.Fprintf(&why, " (intent-filter at line %d)", closestFilter.Line)
			}
			fmt.Fprintf(&why, ", fails because %s", closestMatch.Reason)
		} else {
			why.WriteString("; it declares no intent filters")
		}
		return nothing(RuleFilter, "%s", why.String())
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].priority > hits[j].priority })
	l := start(m, hits[0].a, in, opt, base)
	if len(hits) > 1 && l.Opens == OpensActivity {
		var names []string
		for _, h := range hits {
			names = append(names, h.a.Name)
		}
		l.Notes = append(l.Notes, fmt.Sprintf("several activities match (%s): Android shows a chooser; the first is reported", strings.Join(names, ", ")))
	}
	return l
}

// start is the activity manager's checks on the chosen activity, then
// the launch.
func start(m *Manifest, a *Activity, in *Intent, opt Options, base Launch) Launch {
	base.Intent = in.withoutExtras()
	nothing := func(rule, format string, args ...any) Launch {
		l := base
		l.Opens, l.Rule, l.Reason = OpensNothing, rule, fmt.Sprintf(format, args...)
		return l
	}
	if !a.Enabled {
		return nothing(RuleComponent, "%s is disabled (android:enabled=\"false\")", a.Name)
	}
	if !opt.Starter.SameApp {
		if !a.Exported {
			how := `android:exported="false"`
			if !a.ExportedSet {
				how = "no android:exported and no intent filter, so it defaults to not exported"
			}
			return nothing(RuleExported, "%s is not exported (%s): %s starts it from another app, and Android refuses (Permission Denial: not exported from uid)", a.Name, how, opt.Starter.By)
		}
		if a.Permission != "" {
			return nothing(RuleExported, "%s is protected by android:permission=%q, which %s does not hold", a.Name, a.Permission, opt.Starter.By)
		}
	}
	act := a
	if a.Alias {
		t, ok := m.Activity(a.Target)
		if !ok {
			return nothing(RuleComponent, "alias %s targets %s, which is not declared", a.Name, a.Target)
		}
		act = t
		base.Alias = a.Name
	}
	l := base
	if in.Component != nil && in.HasData() && len(a.Filters) > 0 {
		matched := false
		for i := range a.Filters {
			if a.Filters[i].matchData(in).OK {
				matched = true
				break
			}
		}
		if !matched {
			l.Notes = append(l.Notes, fmt.Sprintf("the component is explicit, so Android opens %s whatever its intent filters say; but its data %s matches none of them, so code that reads getIntent().getData() may not expect it", a.Name, in.Data))
		}
	}
	l.Opens, l.Rule = OpensActivity, RuleResolves
	l.Activity = act.Name
	l.LaunchMode = act.LaunchMode
	l.Flags = FlagNames(in.Flags)
	l.FlagsValue = fmt.Sprintf("0x%08x", uint32(in.Flags))
	l.Task = task(act, in.Flags)
	l.Data = in.Data
	l.Extras, l.ExtraTypes = in.Extras, in.Extras.Types()
	return l
}

// task says, in words, which task the activity lands in.
func task(a *Activity, flags int32) string {
	var s string
	switch a.LaunchMode {
	case "singleTask":
		s = "singleTask: the activity lives in its own task; if an instance exists, its task comes to the front, the activities above it are finished and it receives onNewIntent with this intent"
	case "singleInstance":
		s = "singleInstance: the activity is alone in its own task; an existing instance receives onNewIntent"
	case "singleInstancePerTask":
		s = "singleInstancePerTask: the activity is the root of its task; an existing one receives onNewIntent"
	case "singleTop":
		s = "singleTop: started in the app's task (FLAG_ACTIVITY_NEW_TASK brings it to the front); if the activity is already on top, it receives onNewIntent instead of a new instance"
	default:
		s = "standard: a new instance on top of the app's task (FLAG_ACTIVITY_NEW_TASK brings the task to the front)"
	}
	if flags&FlagActivityClearTop != 0 {
		if a.LaunchMode == "standard" && flags&FlagActivitySingleTop == 0 {
			s += "; FLAG_ACTIVITY_CLEAR_TOP: an existing instance and everything above it are finished, and a new instance is created"
		} else {
			s += "; FLAG_ACTIVITY_CLEAR_TOP: the activities above an existing instance are finished"
		}
	}
	if flags&FlagActivityClearTask != 0 {
		s += "; FLAG_ACTIVITY_CLEAR_TASK: the task is cleared first"
	}
	return s
}

// describe is an intent in a few words, for reasons.
func describe(in *Intent) string {
	var parts []string
	if in.Action != "" {
		parts = append(parts, "action "+in.Action)
	}
	if len(in.Categories) > 0 {
		parts = append(parts, "categories "+strings.Join(in.Categories, ", "))
	}
	if in.HasData() {
		parts = append(parts, "data "+in.Data)
	}
	if in.Type != "" {
		parts = append(parts, "type "+in.Type)
	}
	if len(parts) == 0 {
		return "an empty intent"
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

// didYouMean names a declared activity with the same simple class name.
func didYouMean(m *Manifest, cls string) string {
	simple := cls[strings.LastIndexByte(cls, '.')+1:]
	var same []string
	for _, a := range m.Activities {
		if a.Name[strings.LastIndexByte(a.Name, '.')+1:] == simple {
			same = append(same, a.Name)
		}
	}
	if len(same) == 0 {
		var all []string
		for _, a := range m.Activities {
			all = append(all, a.Name)
		}
		if len(all) == 0 {
			return " (it declares no activity)"
		}
		return " (it declares " + strings.Join(all, ", ") + ")"
	}
	return " (did you mean " + strings.Join(same, " or ") + "?)"
}

// withoutExtras is a copy of the intent for Launch.Intent.
func (in *Intent) withoutExtras() *Intent {
	c := *in
	c.Extras = nil
	return &c
}
