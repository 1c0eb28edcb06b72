package vivo

import (
	"strconv"

	"github.com/pushsim/pushsim/emulators/world"
)

// testTotals counts n test messages (pushMode=1) against the app's daily
// test caps: 100 operation and 10,000 system messages a day (addendum §1.2,
// TPNS 35829 [secondary]; App.Quotas test_operation_daily and
// test_system_daily, -1 unlimited). Test messages skip the formal totals
// and frequency control, not these. The code over a cap is not documented:
// the class's total code (10070 / 10073) is used [inferred].
func (c *call) testTotals(res *resolved, n int) *verdict {
	key, name, limit, code, class := "/test/system", "test_system_daily", 10000, codeSystemTotal, "system"
	if !res.system {
		key, name, limit, code, class = "/test/operation", "test_operation_daily", 100, codeOperationTotal, "operation"
	}
	limit = c.app.Quota(name, limit)
	if limit < 0 || n == 0 {
		return nil
	}
	q, key := c.e.w.Quotas(), vendorName+"/"+c.app.ID+key
	if used := q.Used(key, c.now, world.Shanghai); used+n > limit {
		return refuse(code, ruleTestDaily, "test "+class+" messages today: "+strconv.Itoa(used)+" of "+strconv.Itoa(limit)+" ("+name+"), "+strconv.Itoa(n)+" more do not fit")
	}
	for range n {
		q.TakeDaily(key, -1, c.now, world.Shanghai)
	}
	return nil
}
