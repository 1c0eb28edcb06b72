package xiaomi

import (
	"strconv"
	"strings"
)

// Revoke (vendor-facts §1.1 table; the Java SDK's Sender.revokeRegIdMessage
// and revokeAliasMessage, S-X1): POST /v1/message/regid/revoke with
// `registration_ids`, POST /v1/message/alias/revoke with `aliases` (the SDK
// repeats the key per target; comma-joined values are read too),
// `restricted_package_name` and `notify_id`. Every notification of the app
// with that notify_id is taken back from the targets' phones, shown or
// still held for an offline one (world.Revoke). A notify_id that matches
// nothing is no error.
//
// Answers (inferred: the facts quote none): the success shape without a
// message id, unknown regIds in data.bad_regids; notify_id missing → 10016,
// not an integer in 0..2147483647 → 10017; no target names a phone of the
// app → 20301, as a send's.

func (c *call) revoke(out *[]byte) (rejection, func(uint64)) {
	if rej := c.checkTargets(); rej.code != 0 {
		return rej, nil
	}
	if rej := c.checkPackage(); rej.code != 0 {
		return rej, nil
	}
	if c.f.notifyID == "" {
		return rejection{codeMissingParam, "Missing required parameter: notify_id.", ruleRevoke}, nil
	}
	n, err := strconv.ParseInt(c.f.notifyID, 10, 64)
	if err != nil || n < 0 || n > 2147483647 {
		return illegal("notify_id", ruleRevoke), nil
	}
	if rej := c.resolve(); rej.code != 0 {
		return rej, nil
	}
	notifyID := strconv.FormatInt(n, 10) // as the send stored it (send.go notification)

	trace, _ := c.e.newIDs('s')
	var data []string
	if len(c.bad) > 0 && c.kind == byRegID {
		data = []string{"bad_regids", strings.Join(c.bad, ",")}
	}
	*out = appendOK(*out, trace, data...)
	c.accepted(ruleRevoke, "revoke notify_id "+notifyID+" on "+itoa(len(c.devices))+" phone(s)")
	devices, app, path := c.devices, c.app.Name, c.entry.Path
	return rejection{}, func(request uint64) {
		for _, d := range devices {
			_, _ = c.e.w.Revoke(d.id, app, notifyID, ruleRevoke, "revoked by the app server ("+path+", notify_id "+notifyID+")", request) // a phone removed meanwhile
		}
	}
}
