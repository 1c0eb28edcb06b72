package dispatcher

// Limits are what the core needs to know about one vendor to shape and pace
// its pushes. Every number is from vendor-facts; see vendorTable.
type Limits struct {
	Title int // most characters (runes) of a title; longer ones are cut
	Body  int // most characters (runes) of a body; longer ones are cut
	Batch int // most tokens per request
	QPS   int // default requests per second per vendor app (Config.VendorQPS overrides)
	// Sound: the vendor plays a per-message Android sound, so Message.Sound
	// overrides the certificate's (guide FAQ: Huawei, Xiaomi, FCM).
	Sound bool
	// Badge: the vendor sets a badge number per push, so devices whose
	// badges differ cannot share a request.
	Badge bool
	// Count is how the vendor counts Title and Body: CountRunes (every
	// character 1, the default) or CountCJK2 (vivo's older rule, for an
	// app whose vivo console still counts a CJK character 2).
	Count string
	// WideBrackets: the vendor refuses a title or body holding ASCII
	// brackets, so [] and {} are sent as their full-width forms 【】 and ｛｝
	// (vivo's "too simple" check, 10104, addendum §1.6: the guide's
	// placeholders "[图片]", "[语音]" would otherwise be refused).
	WideBrackets bool
}

// vendorTable is the one place that lists every vendor's limits.
//
//   - xiaomi: title "length < 50" and description "length < 128" (every
//     character counts 1), read as at most 49 and 127 runes; 1000 regIds;
//     500 QPS (the lowest tier, < 100k devices). No badge field.
//   - huawei: title ≤ 40 and body ≤ 1024 characters (AGC console limits; the
//     REST API only states 4096 bytes in all); 1000 tokens; 6000 QPS floor;
//     badge.set_num.
//   - oppo: title ≤ 50; content ≤ 50 (newer doc, style 1; the SDK said 200:
//     the stricter one is kept so nothing is refused); 1000 per
//     unicast_batch; 5000 QPS (lowest tier); badge_message_count.
//   - vivo: title ≤ 40 and content ≤ 100 characters, no CJK weighting (newer
//     rule, addendum §1.6; Count CountCJK2 and 40/100 for an app on the older
//     rule, 20 CJK characters); list push up to 1000; 3000 QPS (lowest tier);
//     ASCII brackets are refused (WideBrackets).
//   - meizu: title 1–32, content 1–100; 100 pushIds; 200 QPS.
//   - fcm: no per-field limit, only 4096 bytes per message; titles are cut
//     at 100 and bodies at 1000 runes so that a CJK text stays under it
//     (inferred). One token per request, sent concurrently; 600k/min per
//     project = 10000 QPS; notification_count carries the badge.
//   - apns: no per-field limit, only 4096 bytes per payload (the client
//     shortens the body to fit); titles and bodies are cut like FCM's
//     (inferred). One token per request on HTTP/2 streams; Apple publishes
//     no QPS, 10000 is pushsim's pacing default; aps.badge and aps.sound.
//   - honor: Huawei-like where Honor's facts are silent: title 40, body
//     1024, 1000 tokens, 6000 QPS, badge (inferred).
var vendorTable = map[string]Limits{
	"xiaomi": {Title: 49, Body: 127, Batch: 1000, QPS: 500, Sound: true},
	"huawei": {Title: 40, Body: 1024, Batch: 1000, QPS: 6000, Sound: true, Badge: true},
	"oppo":   {Title: 50, Body: 50, Batch: 1000, QPS: 5000, Badge: true},
	"vivo":   {Title: 40, Body: 100, Batch: 1000, QPS: 3000, WideBrackets: true},
	"meizu":  {Title: 32, Body: 100, Batch: 100, QPS: 200},
	"fcm":    {Title: 100, Body: 1000, Batch: 1, QPS: 10000, Sound: true, Badge: true},
	"honor":  {Title: 40, Body: 1024, Batch: 1000, QPS: 6000, Sound: true, Badge: true},
	"apns":   {Title: 100, Body: 1000, Batch: 1, QPS: 10000, Sound: true, Badge: true},
}

// Vendors lists the vendors the dispatcher knows, in a fixed order.
var Vendors = []string{"xiaomi", "huawei", "oppo", "vivo", "meizu", "fcm", "honor", "apns"}

// VendorLimits returns the built-in limits of a vendor.
func VendorLimits(vendor string) (Limits, bool) {
	l, ok := vendorTable[vendor]
	return l, ok
}

// Truncate cuts s to at most n characters (runes) on a character
// boundary (never inside an emoji sequence or a flag); n ≤ 0 means no
// limit. Bytes that are not UTF-8 count one each and are kept as they are.
func Truncate(s string, n int) string { return Cut(s, n, CountRunes) }
