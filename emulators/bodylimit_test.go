package emulators_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
)

// counting is an endless request body that counts what was read of it.
type counting struct{ n atomic.Int64 }

func (c *counting) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	c.n.Add(int64(len(p)))
	return len(p), nil
}

// A vendor reads no more of a body than its limit (the fault injector's
// look-ahead included) and answers in its own shape, never 5xx.
var _ = DescribeTable("request bodies are size-limited on every vendor",
	func(vendor, path, contentType, field string) {
		srv := emulators.New(emulators.Options{})
		body := &counting{}
		req := httptest.NewRequest(http.MethodPost, "/"+vendor+path, io.NopCloser(body))
		req.ContentLength = -1 // unknown length: the limit must hold while reading
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		Expect(rec.Code).To(BeNumerically("<", 500), rec.Body.String())
		Expect(body.n.Load()).To(BeNumerically("<=", 10<<20), "bytes read")
		Expect(rec.Body.String()).To(ContainSubstring(field))
	},
	Entry(nil, "xiaomi", "/v3/message/regid", "application/x-www-form-urlencoded", `"code":`),
	Entry(nil, "huawei", "/v1/1/messages:send", "application/json", `"code":`),
	Entry(nil, "huawei", "/oauth2/v3/token", "application/x-www-form-urlencoded", `"error":`),
	Entry(nil, "oppo", "/server/v1/message/notification/unicast", "application/x-www-form-urlencoded", `"code":`),
	Entry(nil, "vivo", "/message/send", "application/json", `"result":`),
	Entry(nil, "meizu", "/garcia/api/server/push/varnished/pushByPushId", "application/x-www-form-urlencoded", `"code":`),
	Entry(nil, "fcm", "/v1/projects/p/messages:send", "application/json", `"error"`),
	Entry(nil, "fcm", "/token", "application/x-www-form-urlencoded", `"error"`),
)
