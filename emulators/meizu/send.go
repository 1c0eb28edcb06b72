package meizu

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pushsim/pushsim/emulators/world"
)

// Limits and the defaults of the App.Quotas knobs (see the package doc).
const (
	maxBody            = 512 << 10
	defQPS             = 200
	defMaxTargets      = 100
	defPublicPerDevice = 3
	defPublicNews      = 5
	defDevicePerMinute = 5
	defTitleMax        = 32
	defContentMax      = 100
	defValidTimeMax    = 72
	defValidTime       = 24
	defPassThroughMax  = 2000
	maxPackages        = 50
	urlMax             = 1000 // bytes of clickTypeInfo.url and customAttribute
	callbackMax        = 128
	callbackParamMax   = 64
	notifyKeyMax       = 8
	subtitleMax        = 16
	timeTopMin         = 1800 // seconds of vipInfo.timeTop
	timeTopMax         = 7200
	ledgerBodyMax      = 4096
	timeLayout         = "2006-01-02 15:04:05"
)

// titleColors are vipInfo.titleColor's documented values (facts §2.3).
var titleColors = []string{"#206CFF", "#E42D22"}

// rejection is an answer other than 200, with the rule behind it.
type rejection struct{ code, rule, reason string }

// call carries one push request through the checks.
type call struct {
	e       *Emulator
	rt      route
	app     *world.App // the world's shared copy: read only, never kept
	now     time.Time
	form    url.Values
	keys    []string // the form's names, sorted: for the sign and the ledger
	keyBuf  [8]string
	entry   world.Entry
	targets []string
	n       world.Notification
	opt     world.DeliverOptions
	window  bool // a fixDisplay window holds the message
	public  bool
	content world.ContentVerdict
	timing  *pushTimeInfo // pushTimeInfo as sent: a pushToApp's scheduled start (task.go)
}

// devRef is one phone a target reached.
type devRef struct{ id, token string }

// failure is one target's per-target code, with why, for the ledger.
type failure struct {
	targetCode
	rule, reason string
	device       devRef
}

func (e *Emulator) push(w http.ResponseWriter, r *http.Request, rt route) {
	var c call
	rej := c.begin(e, w, r, rt)
	if rej.code == "" {
		rej = c.decode()
	}
	if rej.code == "" {
		rej = c.appQuotas()
	}
	if rej.code != "" {
		c.refuse(w, rej)
		return
	}
	writeJSON(w, http.StatusOK, c.send())
}

// begin starts a call: the form read, the app found and the sign and the
// app's request rate checked, as every Meizu API does first.
func (c *call) begin(e *Emulator, w http.ResponseWriter, r *http.Request, rt route) rejection {
	*c = call{e: e, rt: rt, now: e.w.Now()}
	c.entry = world.Entry{Kind: world.KindRequest, Vendor: vendorName, Method: r.Method, Path: r.URL.Path, Status: http.StatusOK, At: c.now}
	rej := c.read(w, r)
	if rej.code == "" {
		rej = c.authenticate()
	}
	if rej.code == "" {
		rej = c.rate()
	}
	return rej
}

// refuse answers a request-level error in Meizu's envelope and records it.
func (c *call) refuse(w http.ResponseWriter, rej rejection) {
	c.refuseText(w, rej, Text(rej.code))
}

// refuseText is refuse with another message (500's texts vary by case).
func (c *call) refuseText(w http.ResponseWriter, rej rejection, message string) {
	b := appendErrorText(make([]byte, 0, 96), rej.code, message)
	c.entry.Verdict, c.entry.Code, c.entry.Rule, c.entry.Reason = world.VerdictRejected, rej.code, rej.rule, rej.reason
	c.entry.Tokens = c.targets
	c.entry.Response = string(b)
	c.e.w.Record(c.entry)
	writeJSON(w, http.StatusOK, b)
}

// read takes the form body within maxBody.
func (c *call) read(w http.ResponseWriter, r *http.Request) rejection {
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return rejection{codeParameter, ruleSize, "the body is larger than " + strconv.Itoa(maxBody) + " bytes"}
		}
		return rejection{codeParameter, ruleForm, "the body is not a form: " + truncate(err.Error(), 200)}
	}
	c.form = r.Form
	c.keys = c.keyBuf[:0]
	for k := range r.Form {
		c.keys = append(c.keys, k)
	}
	slices.Sort(c.keys)
	c.entry.Body = maskedForm(r.Form, c.keys)
	for _, k := range c.keys {
		for _, v := range r.Form[k] {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return rejection{codeParameter, ruleForm, "parameter " + strconv.QuoteToASCII(truncate(k, 40)) + " is not UTF-8"}
			}
		}
	}
	return rejection{}
}

// authenticate finds the app by appId and checks the signature.
func (c *call) authenticate() rejection {
	appID := c.form.Get("appId")
	if appID == "" {
		return rejection{codeEmpty, ruleRequired, "appId is missing"}
	}
	if _, err := strconv.ParseUint(appID, 10, 63); err != nil {
		return rejection{codeAppID, ruleAppID, "appId " + strconv.Quote(truncate(appID, 40)) + " is not a number"}
	}
	app, ok := c.e.w.FindAppShared(vendorName, func(a *world.App) bool { return a.ID == appID })
	if !ok {
		return rejection{codeAppID, ruleAppID, "no Meizu app has appId " + appID}
	}
	c.app = app
	c.entry.App = app.Name
	sign := c.form.Get("sign")
	if sign == "" {
		return rejection{codeEmpty, ruleRequired, "sign is missing"}
	}
	// The doc's sign is lower-case hex and the server compares strings; an
	// upper-case sign is most likely refused (not documented).
	if sign == signSorted(c.form, c.keys, app.Secret) {
		return rejection{}
	}
	if app.Key != "" && app.Key != app.Secret && sign == signSorted(c.form, c.keys, app.Key) {
		code := codeAppSecret
		if app.Setting("app_key_sign_code", codeAppSecret) == codeSign {
			code = codeSign
		}
		return rejection{code, ruleSecret, "sign was made with the AppKey; Meizu signs with the AppSecret"}
	}
	return rejection{codeSign, ruleSign, "sign is not md5(sorted name=value pairs + AppSecret)"}
}

// rate applies the app's whole-request QPS limit.
func (c *call) rate() rejection {
	qps := c.app.Quota("qps", defQPS)
	if qps > 0 && !c.e.w.Quotas().TakeRate(vendorName+"/"+c.app.Name+"/qps", qps, time.Second, c.now) {
		return rejection{codeRate, ruleQPS, "more than " + strconv.Itoa(qps) + " requests this second; the whole request is refused"}
	}
	return rejection{}
}

// decode reads the targets, the package restriction and messageJson.
func (c *call) decode() rejection {
	if rej := c.decodeTargets(); rej.code != "" {
		return rej
	}
	return c.decodeMessage(c.form.Get("messageJson"))
}

// decodeTargets reads pushIds (or alias) and restrictedPackageNames.
func (c *call) decodeTargets() rejection {
	field := "pushIds"
	if c.rt.alias {
		field = "alias"
	}
	c.targets = splitTargets(c.form.Get(field))
	if len(c.targets) == 0 {
		return rejection{codeEmpty, ruleRequired, field + " is missing"}
	}
	if lim := c.app.Quota("max_targets", defMaxTargets); len(c.targets) > lim {
		return rejection{codeParameter, ruleTargetsMax, field + " has " + strconv.Itoa(len(c.targets)) + " targets, at most " + strconv.Itoa(lim) + " are allowed"}
	}
	if raw := c.form.Get("restrictedPackageNames"); raw != "" {
		pkgs := splitTargets(raw)
		if len(pkgs) > maxPackages {
			return rejection{codeParameter, rulePackage, "restrictedPackageNames lists more than 50 packages"}
		}
		if !slices.Contains(pkgs, c.app.Package) {
			return rejection{codePackage, rulePackage, "restrictedPackageNames does not include the app's package " + c.app.Package}
		}
	}
	return rejection{}
}

// decodeMessage validates a messageJson, notification or pass-through as
// the route says, and builds what the phone will see.
func (c *call) decodeMessage(raw string) rejection {
	if raw == "" {
		return rejection{codeEmpty, ruleRequired, "messageJson is missing"}
	}
	if c.rt.passThrough && c.app.Setting("pass_through", "restricted") != "allowed" {
		return rejection{codePassThrough, rulePassThrough, "pass-through (unvarnished) pushes are restricted for this app since 2018-06-16"}
	}
	var m messageJSON
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		switch {
		case errors.Is(err, errSwitch):
			return rejection{codeParameter, ruleBooleans, "messageJson: " + err.Error()}
		case errors.Is(err, errParams):
			return rejection{codeParameter, ruleParameters, "messageJson: " + err.Error()}
		}
		return rejection{codeParameter, ruleJSON, "messageJson is not a message object: " + truncate(err.Error(), 200)}
	}
	c.timing = m.PushTimeInfo
	if c.rt.passThrough {
		return c.passThrough(&m)
	}
	return c.notification(&m)
}

// splitTargets splits a comma-joined list, trimming, dropping empty items
// and repeats.
func splitTargets(v string) []string {
	if v == "" {
		return nil
	}
	out := make([]string, 0, 1+strings.Count(v, ","))
	for v != "" {
		var t string
		t, v, _ = strings.Cut(v, ",")
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// notification validates a notification (varnished) message and builds
// what the phone will see.
func (c *call) notification(m *messageJSON) rejection {
	app := c.app
	nb := m.NoticeBarInfo
	if nb == nil {
		nb = &noticeBarInfo{}
	}
	title, content := nb.Title.V, nb.Content.V
	switch {
	case title == "":
		return rejection{codeEmpty, ruleTitle, "noticeBarInfo.title is missing"}
	case content == "":
		return rejection{codeEmpty, ruleContent, "noticeBarInfo.content is missing"}
	}
	if n, lim := utf8.RuneCountInString(title), app.Quota("title_max", defTitleMax); n > lim {
		return rejection{codeParameter, ruleTitle, "noticeBarInfo.title has " + strconv.Itoa(n) + " characters, at most " + strconv.Itoa(lim) + " are allowed"}
	}
	if n, lim := utf8.RuneCountInString(content), app.Quota("content_max", defContentMax); n > lim {
		return rejection{codeParameter, ruleContent, "noticeBarInfo.content has " + strconv.Itoa(n) + " characters, at most " + strconv.Itoa(lim) + " are allowed"}
	}
	msgType := nb.NoticeMsgType.or(0)
	if msgType != 0 && msgType != 1 {
		return rejection{codeParameter, ruleJSON, "noticeBarInfo.noticeMsgType " + strconv.Itoa(msgType) + " is not 0 (public) or 1 (private)"}
	}
	if t := nb.NoticeBarType.or(0); t < 0 || t > 2 {
		return rejection{codeParameter, ruleJSON, "noticeBarInfo.noticeBarType " + strconv.Itoa(t) + " is not 0, 1 or 2"}
	} else if t == 1 && nb.NoticeBarImgURL.V == "" {
		// A picture bar names its picture (facts §2.3, "when noticeBarType=1").
		return rejection{codeEmpty, ruleStyleFields, "noticeBarType 1 needs noticeBarInfo.noticeBarImgUrl"}
	}
	if x := m.NoticeExpandInfo; x != nil {
		switch t := x.NoticeExpandType.or(0); {
		case t < 0 || t > 2:
			return rejection{codeParameter, ruleJSON, "noticeExpandInfo.noticeExpandType " + strconv.Itoa(t) + " is not 0, 1 or 2"}
		case t == 1 && x.NoticeExpandContent.V == "":
			return rejection{codeEmpty, ruleStyleFields, "noticeExpandType 1 needs noticeExpandInfo.noticeExpandContent"}
		case t == 2 && x.NoticeExpandImgURL.V == "":
			return rejection{codeEmpty, ruleStyleFields, "noticeExpandType 2 needs noticeExpandInfo.noticeExpandImgUrl"}
		}
	}
	if v := m.VipInfo; v != nil && utf8.RuneCountInString(v.Subtitle.V) > subtitleMax {
		return rejection{codeParameter, ruleJSON, "vipInfo.subtitle is longer than 16 characters"}
	}
	if rej := checkVip(m.VipInfo); rej.code != "" {
		return rej
	}
	if x := m.Extra; x != nil {
		switch {
		case len(x.Callback.V) > callbackMax:
			return rejection{codeParameter, ruleJSON, "extra.callback is longer than 128 bytes"}
		case len(x.CallbackParam.V) > callbackParamMax:
			return rejection{codeParameter, ruleJSON, "extra.callback.param is longer than 64 bytes"}
		case x.CallbackType.Set && (x.CallbackType.V < 1 || x.CallbackType.V > 3):
			return rejection{codeParameter, ruleJSON, "extra.callback.type " + strconv.Itoa(x.CallbackType.V) + " is not 1, 2 or 3"}
		}
	}
	// Meizu documents no content rule (facts §2.5: "not documented"): what
	// the filter catches is accepted and never shown.
	more := []string{}
	if v := m.VipInfo; v != nil {
		more = append(more, v.Subtitle.V)
	}
	if x := m.NoticeExpandInfo; x != nil {
		more = append(more, x.NoticeExpandContent.V)
	}
	c.content = c.e.w.CheckContent(app, world.Content{Title: title, Body: content, More: more})
	c.public = msgType == 0
	c.n = world.Notification{Vendor: vendorName, App: app.Name, Title: title, Body: content, Class: world.ClassPrivate, HeadsUp: true, Sound: "default"}
	if c.public {
		c.n.Class = world.ClassPublic
	}
	if rej := c.click(m.ClickTypeInfo); rej.code != "" {
		return rej
	}
	if rej := c.ttl(m.PushTimeInfo); rej.code != "" {
		return rej
	}
	return c.advance(m.AdvanceInfo)
}

// checkVip checks vipInfo's documented values (facts §2.3). Zero values
// count as not sent: the Java SDK always sends a vipInfo object.
func checkVip(v *vipInfo) rejection {
	if v == nil {
		return rejection{}
	}
	top := v.TimeTop.or(0)
	switch {
	case top != 0 && (top < timeTopMin || top > timeTopMax):
		return rejection{codeParameter, ruleVip, "vipInfo.timeTop " + strconv.Itoa(top) + " is outside 1800..7200 seconds"}
	case top != 0 && v.PullDownTop.or(false):
		return rejection{codeParameter, ruleVip, "vipInfo.pullDownTop and vipInfo.timeTop exclude each other"}
	case v.TitleColor.V != "" && !slices.ContainsFunc(titleColors, func(c string) bool { return strings.EqualFold(c, v.TitleColor.V) }):
		return rejection{codeParameter, ruleVip, "vipInfo.titleColor " + strconv.Quote(truncate(v.TitleColor.V, 20)) + " is not #206CFF or #E42D22"}
	}
	return rejection{}
}

// click maps clickTypeInfo onto the phone's click action (vendor-facts §2.6).
func (c *call) click(ct *clickTypeInfo) rejection {
	if ct == nil {
		c.n.Click = world.Click{Type: world.ClickLauncher}
		return rejection{}
	}
	extras := ct.Parameters.M
	if len(extras) == 0 {
		extras = nil
	}
	switch t := ct.ClickType.or(0); t {
	case 0:
		c.n.Click = world.Click{Type: world.ClickLauncher, Extras: extras}
	case 1:
		if ct.Activity.V == "" {
			return rejection{codeEmpty, ruleClick, "clickType 1 needs clickTypeInfo.activity"}
		}
		c.n.Click = world.Click{Type: world.ClickActivity, Target: ct.Activity.V, Extras: extras}
	case 2:
		switch {
		case ct.URL.V == "":
			return rejection{codeEmpty, ruleClick, "clickType 2 needs clickTypeInfo.url"}
		case len(ct.URL.V) > urlMax:
			return rejection{codeParameter, ruleClick, "clickTypeInfo.url is longer than 1000 bytes"}
		}
		c.n.Click = world.Click{Type: world.ClickURL, Target: ct.URL.V, Extras: extras}
	case 3:
		switch {
		case ct.CustomAttribute.V == "":
			return rejection{codeEmpty, ruleClick, "clickType 3 needs clickTypeInfo.customAttribute"}
		case len(ct.CustomAttribute.V) > urlMax:
			return rejection{codeParameter, ruleClick, "clickTypeInfo.customAttribute is longer than 1000 bytes"}
		}
		c.n.Click = world.Click{Type: world.ClickCustom, Target: ct.CustomAttribute.V, Extras: extras}
	default:
		return rejection{codeParameter, ruleClick, "clickType " + strconv.Itoa(t) + " is not 0, 1, 2 or 3"}
	}
	c.n.Extras = extras
	return rejection{}
}

// ttl reads pushTimeInfo: how long the server keeps the message for an
// offline phone.
func (c *call) ttl(pt *pushTimeInfo) rejection {
	if pt == nil {
		pt = &pushTimeInfo{}
	}
	if !pt.OffLine.or(true) {
		c.opt.TTL = 0 // only a phone online now gets it
		return rejection{}
	}
	vt, lim := pt.ValidTime.or(defValidTime), c.app.Quota("valid_time_max", defValidTimeMax)
	if vt < 1 || vt > lim {
		return rejection{codeParameter, ruleTTL, "pushTimeInfo.validTime " + strconv.Itoa(vt) + " is outside 1.." + strconv.Itoa(lim) + " hours"}
	}
	c.opt.TTL = time.Duration(vt) * time.Hour
	return rejection{}
}

// advance reads advanceInfo: heads-up, sound, the collapse key and the
// timed display window.
func (c *call) advance(a *advanceInfo) rejection {
	if a == nil {
		return rejection{}
	}
	c.n.HeadsUp = a.Suspend.or(true)
	if nt := a.NotificationType; nt != nil {
		if !nt.Sound.or(true) {
			c.n.Sound = ""
		}
		c.n.Silent = !nt.Sound.or(true) && !nt.Vibrate.or(true)
	}
	// clearNoticeBar is accepted and not modelled: the shade has no
	// "cannot be cleared" flag.
	if k := a.NotifyKey.V; k != "" {
		if !validNotifyKey(k) {
			return rejection{codeParameter, ruleNotifyKey, "advanceInfo.notifyKey " + strconv.Quote(truncate(k, 40)) + " is not 1–8 characters of [0-9a-zA-Z_-]"}
		}
		// "Only the last message with the same key is shown": the new one
		// replaces the shown one, which is what a notify id does.
		c.n.NotifyID = k
	}
	if !a.FixDisplay.or(false) {
		return rejection{}
	}
	start, err1 := time.ParseInLocation(timeLayout, a.FixStartDisplayTime.V, world.Shanghai)
	end, err2 := time.ParseInLocation(timeLayout, a.FixEndDisplayTime.V, world.Shanghai)
	switch {
	case err1 != nil || err2 != nil:
		return rejection{codeParameter, ruleWindow, "fixDisplay 1 needs fixStartDisplayTime and fixEndDisplayTime as yyyy-MM-dd HH:mm:ss"}
	case !start.Before(end):
		return rejection{codeParameter, ruleWindow, "fixStartDisplayTime is not before fixEndDisplayTime"}
	case !end.After(c.now):
		return rejection{codeParameter, ruleWindow, "fixEndDisplayTime has passed"}
	}
	if start.After(c.now) {
		c.opt.HoldUntil = start
		c.window = true
	}
	// Not shown after the window: the message lives until its end at most
	// (and at least that long, for an offline phone within the window).
	c.opt.TTL = end.Sub(c.now)
	return rejection{}
}

func validNotifyKey(s string) bool {
	if len(s) > notifyKeyMax {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// passThrough validates an allowed pass-through message: it goes to the
// app, never the shade.
func (c *call) passThrough(m *messageJSON) rejection {
	if m.Content.V == "" {
		return rejection{codeEmpty, rulePassThrough, "content is missing"}
	}
	if lim := c.app.Quota("pass_through_max", defPassThroughMax); len(m.Content.V) > lim {
		return rejection{codeParameter, rulePassThrough, "content has " + strconv.Itoa(len(m.Content.V)) + " bytes, at most " + strconv.Itoa(lim) + " are allowed"}
	}
	if n, lim := utf8.RuneCountInString(m.Title.V), c.app.Quota("title_max", defTitleMax); n > lim {
		return rejection{codeParameter, ruleTitle, "title has " + strconv.Itoa(n) + " characters, at most " + strconv.Itoa(lim) + " are allowed"}
	}
	c.content = c.e.w.CheckContent(c.app, world.Content{Title: m.Title.V, Payload: m.Content.V, PassThrough: true})
	c.n = world.Notification{Vendor: vendorName, App: c.app.Name, Title: m.Title.V, Payload: m.Content.V, PassThrough: true, Class: world.ClassPrivate}
	return c.ttl(m.PushTimeInfo)
}

// appQuotas applies the app's own daily limits, both off by default.
func (c *call) appQuotas() rejection {
	q, app := c.e.w.Quotas(), c.app
	if lim := app.Quota("daily_pushes", 0); lim > 0 {
		if used, ok := q.TakeDaily(vendorName+"/"+app.Name+"/requests", lim, c.now, world.Shanghai); !ok {
			return rejection{codeAppDaily, ruleAppDaily, "the app made " + strconv.Itoa(used) + " push requests today, its limit (resets at 00:00 Asia/Shanghai)"}
		}
	}
	if lim := app.Quota("daily_targets", 0); lim > 0 {
		if used := q.Used(vendorName+"/"+app.Name+"/targets", c.now, world.Shanghai); used >= lim {
			return rejection{codeAppCount, ruleAppCount, "the app sent " + strconv.Itoa(used) + " messages today, its limit (resets at 00:00 Asia/Shanghai)"}
		}
	}
	return rejection{}
}

// send decides every target, answers, records the request and hands the
// message to each phone it reached.
func (c *call) send() []byte {
	msgID := c.e.w.RandString(32, world.Hex)
	c.n.MessageID = msgID
	failed, sent := c.fanOut()
	codes := make([]targetCode, len(failed))
	for i, f := range failed {
		codes[i] = f.targetCode
	}
	b := appendSuccess(make([]byte, 0, 160), msgID, codes)
	c.conclude(b, failed, sent)
	return b
}

// fanOut decides every target: the phones the message goes to, and the
// targets refused with their per-target codes.
func (c *call) fanOut() (failed []failure, sent []devRef) {
	for _, t := range c.targets {
		devs, f := c.resolve(t)
		if f.code != "" {
			failed = append(failed, f)
			continue
		}
		var first failure
		n := 0
		for _, d := range devs {
			if slices.Contains(sent, d) {
				n++ // two aliases of one phone: one message
				continue
			}
			if f := c.admit(t, d); f.code != "" {
				if first.code == "" {
					first = f
				}
				continue
			}
			sent = append(sent, d)
			n++
		}
		if n == 0 {
			failed = append(failed, first)
		}
	}
	return failed, sent
}

// conclude records the accepted request with its answer b and every
// refused target, then hands the message (c.n, its MessageID set) to each
// phone it reached.
func (c *call) conclude(b []byte, failed []failure, sent []devRef) {
	msgID := c.n.MessageID
	e := &c.entry
	e.Verdict, e.Code, e.MessageID, e.Response = world.VerdictAccepted, codeOK, msgID, string(b)
	if e.Tokens == nil {
		e.Tokens = c.targets
	}
	if len(sent) == 1 && len(c.targets) == 1 {
		e.Device = sent[0].id
	}
	contentRule := c.content.RuleID(vendorName)
	switch {
	case contentRule != "" && len(sent) > 0:
		e.Verdict, e.Rule, e.Reason = world.VerdictNotShown, contentRule, c.content.Reason+"; accepted and not shown"
	case len(failed) > 0:
		if e.Rule == "" {
			e.Rule = failed[0].rule
		}
		if e.Reason != "" {
			e.Reason += "; "
		}
		e.Reason += strconv.Itoa(len(c.targets)) + " target(s): " + strconv.Itoa(len(c.targets)-len(failed)) + " sent, " +
			strconv.Itoa(len(failed)) + " refused; first " + failed[0].code + " for " + truncate(failed[0].target, 60) + ": " + failed[0].reason
	case c.n.PassThrough:
		e.Verdict, e.Rule, e.Reason = world.VerdictNotShown, rulePassThrough, "pass-through message: handed to the app, not shown"
	case !c.public && e.Rule == "":
		e.Rule, e.Reason = rulePrivate, "private message (noticeMsgType 1): no daily cap"
	}
	w := c.e.w
	seq := w.Record(*e)
	for _, f := range failed {
		w.Record(world.Entry{Kind: world.KindDelivery, At: c.now, Vendor: vendorName, App: c.app.Name, Tokens: []string{f.target},
			Device: f.device.id, Verdict: world.VerdictRejected, Code: f.code, Rule: f.rule, Reason: f.reason, MessageID: msgID, Request: seq})
	}
	opt := c.opt
	opt.Request = seq
	countTargets := c.app.Quota("daily_targets", 0) > 0
	for _, d := range sent {
		if countTargets {
			w.Quotas().TakeDaily(vendorName+"/"+c.app.Name+"/targets", -1, c.now, world.Shanghai)
		}
		if contentRule != "" {
			_ = w.Drop(d.id, c.n, contentRule, c.content.Reason, seq) // the phone may have been removed meanwhile
			continue
		}
		res, err := w.Deliver(d.id, c.n, opt)
		if err == nil && c.content.Controls > 0 {
			w.Note(d.id, c.n, ruleContentControls, c.content.ControlsReason(), seq)
		}
		if err == nil && res.Held && c.window {
			w.Record(world.Entry{Kind: world.KindDelivery, At: c.now, Vendor: vendorName, App: c.app.Name, Tokens: []string{d.token},
				Device: d.id, Verdict: world.VerdictAccepted, Rule: ruleWindow, MessageID: msgID, Request: seq,
				Reason: "held until fixStartDisplayTime " + opt.HoldUntil.In(world.Shanghai).Format(timeLayout) + " Asia/Shanghai, dropped if not shown by fixEndDisplayTime"})
		}
	}
}

// resolve finds the phones a target names, or the per-target code that
// refuses it outright.
func (c *call) resolve(t string) ([]devRef, failure) {
	w, app := c.e.w, c.app
	fail := func(code, rule, reason string, d devRef) ([]devRef, failure) {
		return nil, failure{targetCode{code, t}, rule, reason, d}
	}
	if !c.rt.alias {
		// pushsim's magic words make a token expired or uninstalled on
		// every vendor, whatever its form.
		expired, uninstalled := world.TokenExpired(t), world.TokenUninstalled(t)
		if !expired && !uninstalled && !validPushID(t) {
			return fail(codePushIDIllegal, rulePushIDFormat, "not a pushId (3 upper-case letters or digits and 42 hex digits)", devRef{})
		}
		d, ok := w.DeviceByToken(vendorName, t)
		switch {
		case expired:
			return fail(codePushIDUnknown, rulePushIDUnreg, "the pushId expired (pushsim's EXPIRED magic word)", devRef{d.ID, d.Token})
		case !ok || d.App != app.Name:
			return fail(codePushIDUnknown, rulePushIDUnreg, "no phone of app "+app.Name+" registered this pushId", devRef{})
		case d.Uninstalled || uninstalled:
			return fail(codePushIDUnknown, rulePushIDUnreg, "the app was uninstalled: its pushId is no longer registered", devRef{d.ID, d.Token})
		case d.NotificationsOff:
			return fail(codeRate, ruleSwitchOff, "the user switched the app's messages off", devRef{d.ID, d.Token})
		}
		return []devRef{{d.ID, d.Token}}, failure{}
	}
	var devs []devRef
	var off devRef
	add := func(d world.Device) {
		switch {
		case d.Vendor != vendorName || d.App != app.Name || d.Uninstalled || world.TokenUninstalled(d.Token) || world.TokenExpired(d.Token):
		case d.NotificationsOff:
			off = devRef{d.ID, d.Token}
		default:
			devs = append(devs, devRef{d.ID, d.Token})
		}
	}
	if ids, ok := app.Extra[aliasPrefix+t]; ok {
		for _, id := range splitTargets(ids) {
			if d, ok := w.DeviceByToken(vendorName, id); ok {
				add(d)
			}
		}
	} else if d, ok := w.Device(t); ok && d.Name == t {
		add(d)
	}
	switch {
	case len(devs) > 0:
		return devs, failure{}
	case off.id != "":
		return fail(codeAliasInvalid, ruleAlias, "the phone of alias "+t+" switched the app's messages off", off)
	}
	return fail(codeAliasInvalid, ruleAlias, "no phone of app "+app.Name+" subscribed alias "+t, devRef{})
}

// admit applies the per-target rate, the per-minute fold and the public
// daily cap to one phone.
func (c *call) admit(t string, d devRef) failure {
	q, app := c.e.w.Quotas(), c.app
	fail := func(code, rule, reason string) failure { return failure{targetCode{code, t}, rule, reason, d} }
	if lim := app.Quota("target_rate", 0); lim > 0 && !q.TakeRate(vendorName+"/"+app.Name+"/targets-per-second", lim, time.Second, c.now) {
		return fail(codeTargetRate, ruleTargetRate, "more than "+strconv.Itoa(lim)+" targets this second; retry this one")
	}
	perDay := 0
	dayKey := ""
	if c.public {
		perDay = defPublicPerDevice
		if app.News {
			perDay = defPublicNews
		}
		perDay = app.Quota("public_per_device", perDay)
		dayKey = vendorName + "/" + app.Name + "/public/" + d.id
		if used := q.Used(dayKey, c.now, world.Shanghai); used >= perDay {
			return fail(codePublicDaily, rulePublicDaily, publicReason(used, perDay))
		}
	}
	if lim := app.Quota("device_per_minute", defDevicePerMinute); lim > 0 && !q.TakeRate(vendorName+"/"+app.Name+"/minute/"+d.id, lim, time.Minute, c.now) {
		return fail(codeFolded, ruleFolded, "more than "+strconv.Itoa(lim)+" messages to this phone within a minute")
	}
	if c.public {
		if used, ok := q.TakeDaily(dayKey, perDay, c.now, world.Shanghai); !ok {
			return fail(codePublicDaily, rulePublicDaily, publicReason(used, perDay))
		}
	}
	return failure{}
}

func publicReason(used, limit int) string {
	return "public messages (noticeMsgType 0) to this phone today: " + strconv.Itoa(used) + " of " + strconv.Itoa(limit) + " (resets at 00:00 Asia/Shanghai)"
}

// signForm signs a decoded form: the first value of every field but sign.
func signForm(form url.Values, secret string) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return signSorted(form, keys, secret)
}

// signSorted is signForm over names sorted already, for the hot path.
func signSorted(form url.Values, sorted []string, secret string) string {
	return digest(sorted, func(k string) (string, bool) {
		if vs := form[k]; len(vs) > 0 {
			return vs[0], true
		}
		return "", false
	}, secret)
}

// maskedForm renders a form for the ledger (values decoded, so messageJson
// stays readable) in name order, with sign masked, capped at ledgerBodyMax
// bytes.
func maskedForm(form url.Values, sorted []string) string {
	var buf [1024]byte
	b := buf[:0]
	for _, k := range sorted {
		for _, v := range form[k] {
			if len(b) > 0 {
				b = append(b, '&')
			}
			b = append(b, k...)
			b = append(b, '=')
			if k == "sign" && len(v) > 4 {
				v = v[:4] + "***"
			}
			b = append(b, v...)
			if len(b) > ledgerBodyMax {
				return truncate(string(b), ledgerBodyMax) + "…(truncated)"
			}
		}
	}
	return string(b)
}
