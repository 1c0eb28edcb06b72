package vivo

import (
	"strconv"
	"time"

	"github.com/pushsim/pushsim/emulators/world"
)

// Push QPS by the app's notification-enabled users (facts §3.5, Aliyun
// 616229 and MobPush [3p], "not negotiable"): up to 5 million 3000, up to
// 8 million 4000, more 5000.
const (
	qpsSmall  = 3000
	qpsMedium = 4000
	qpsLarge  = 5000
)

// tooFast counts one push call (every /message/* API but auth) against the
// app's QPS and reports the limit when the call is over it. App.Quotas qps
// sets the limit (0 or absent: automatic as above; -1: none). The code for
// it, 10072 发送速度过快, is [unverified] (addendum §1.3).
func (e *Emulator) tooFast(app *world.App, now time.Time) (int, bool) {
	limit := app.Quota("qps", 0)
	if limit < 0 {
		return 0, false
	}
	q, key := e.w.Quotas(), vendorName+"/"+app.ID+"/qps"
	if limit > 0 {
		return limit, !q.TakeRate(key, limit, time.Second, now)
	}
	// Automatic: the device count is only needed once the floor is reached
	// (a refused TakeRate takes nothing, so the larger limit can be tried).
	if q.TakeRate(key, qpsSmall, time.Second, now) {
		return qpsSmall, false
	}
	limit = qpsSmall
	switch n := e.enabledDevices(app); {
	case n > 8_000_000:
		limit = qpsLarge
	case n > 5_000_000:
		limit = qpsMedium
	}
	if limit == qpsSmall {
		return limit, true
	}
	return limit, !q.TakeRate(key, limit, time.Second, now)
}

func qpsReason(limit int) string {
	return "more than " + strconv.Itoa(limit) + " push calls in one second"
}
