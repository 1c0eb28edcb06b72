package emulators_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

// Every vendor answers the generic fault codes in its own shape: the status
// and the vendor's own code for the condition.
var _ = DescribeTable("injected faults in each vendor's shape",
	func(vendor, path, code string, status int, want string) {
		srv := emulators.New(emulators.Options{})
		v := srv.Vendor(vendor)
		fa, ok := v.(world.FaultAnswerer)
		Expect(ok).To(BeTrue(), "%s answers faults", vendor)
		_, ok = v.(world.FaultTargeter)
		Expect(ok).To(BeTrue(), "%s names its targets", vendor)
		Expect(v.Rules()).To(ContainElement(HaveField("ID", world.FaultRule(vendor))))
		got, h, body := fa.FaultAnswer(code, httptest.NewRequest(http.MethodPost, path, strings.NewReader("")))
		Expect(got).To(Equal(status))
		Expect(string(body)).To(ContainSubstring(want))
		if strings.Contains(h.Get("Content-Type"), "json") {
			Expect(json.Valid(body)).To(BeTrue(), string(body))
		}
	},
	Entry(nil, "xiaomi", "/v3/message/regid", world.FaultRate, 200, `"code":200002`),
	Entry(nil, "xiaomi", "/v3/message/regid", world.FaultQuota, 200, `"code":200001`),
	Entry(nil, "xiaomi", "/v3/message/regid", world.FaultUnavailable, 200, `"code":10002`),
	Entry(nil, "xiaomi", "/v3/message/regid", world.FaultTokenInvalid, 200, `"code":20301`),
	Entry(nil, "huawei", "/v1/1/messages:send", world.FaultRate, 503, `"code":"81000001"`),
	Entry(nil, "huawei", "/v1/1/messages:send", world.FaultAuthExpired, 401, `"code":"80200003"`),
	Entry(nil, "huawei", "/v1/1/messages:send", world.FaultTokenInvalid, 400, `"code":"80300007"`),
	Entry(nil, "huawei", "/v1/1/messages:send", "80100001", 400, `Request parameter check failed`),
	Entry(nil, "oppo", "/server/v1/message/notification/unicast", world.FaultRate, 200, `"code":55`),
	Entry(nil, "oppo", "/server/v1/message/notification/unicast", "-2", 200, `{"code":-2,"message":"Service in Flow Control"}`),
	Entry(nil, "oppo", "/server/v1/message/notification/unicast", world.FaultQuota, 200, `"code":33`),
	Entry(nil, "oppo", "/server/v1/message/notification/unicast", world.FaultAuthExpired, 200, `"code":11`),
	Entry(nil, "vivo", "/message/auth", world.FaultRate, 200, `"result":10250`),
	Entry(nil, "vivo", "/message/send", world.FaultRate, 200, `"result":10072`),
	Entry(nil, "vivo", "/message/send", world.FaultQuota, 200, `"result":10070`),
	Entry(nil, "vivo", "/message/send", world.FaultUnavailable, 500, `Internet server error!`),
	Entry(nil, "meizu", "/garcia/api/server/push/varnished/pushByPushId", world.FaultRate, 200, `"code":"110010"`),
	Entry(nil, "meizu", "/garcia/api/server/push/varnished/pushByPushId", world.FaultQuota, 200, `"code":"110019"`),
	Entry(nil, "fcm", "/v1/projects/p/messages:send", world.FaultRate, 429, `"errorCode": "QUOTA_EXCEEDED"`),
	Entry(nil, "fcm", "/v1/projects/p/messages:send", world.FaultUnavailable, 503, `"status": "UNAVAILABLE"`),
	Entry(nil, "fcm", "/v1/projects/p/messages:send", world.FaultTokenInvalid, 404, `"errorCode": "UNREGISTERED"`),
	Entry(nil, "fcm", "/v1/projects/p/messages:send", world.FaultAuthExpired, 401, `"status": "UNAUTHENTICATED"`),
)
