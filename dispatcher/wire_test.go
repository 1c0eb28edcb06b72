package dispatcher_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// These specs run the real Xiaomi client on a mocked wire: what the
// dispatcher decides must come out as MiPush requests.
var _ = Describe("On the Xiaomi wire", func() {
	const sendURL = "https://api.xmpush.xiaomi.com/v3/message/regid"
	var (
		mock  *httpmock.MockTransport
		clock *fakeClock
		d     *dispatcher.Dispatcher
		mu    sync.Mutex
		forms []url.Values
	)
	reply := func(body string, status int, header ...string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(req.Body)
			f, _ := url.ParseQuery(string(b))
			mu.Lock()
			forms = append(forms, f)
			mu.Unlock()
			resp := httpmock.NewStringResponse(status, body)
			for i := 0; i+1 < len(header); i += 2 {
				resp.Header.Set(header[i], header[i+1])
			}
			return resp, nil
		}
	}
	BeforeEach(func() {
		mock = httpmock.NewMockTransport()
		clock = newClock()
		forms = nil
		var err error
		d, err = dispatcher.New(dispatcher.Config{
			Certificates: []push.Certificate{{BusinessID: 1, Vendor: "xiaomi", AppSecret: "sec", Package: "com.example.chat",
				Channel: "im", Click: push.Click{Type: "intent", Target: intent}}},
			HTTPClient: &http.Client{Transport: mock},
			Now:        clock.Now,
			Sleep:      clock.Sleep,
			Seed:       1,
		})
		Expect(err).NotTo(HaveOccurred())
	})

	It("sends a 2500-member group as 3 requests", func() {
		mock.RegisterResponder("POST", sendURL, reply(`{"result":"ok","code":0,"data":{"id":"scm1"},"description":"成功","trace_id":"X"}`, 200))
		members := make([]string, 2500)
		for i := range members {
			members[i] = fmt.Sprintf("u%04d", i)
			Expect(d.Login(members[i], "p")).To(Succeed())
			Expect(d.ReportToken(members[i], "p", 1, "reg"+members[i])).To(Succeed())
			Expect(d.Background(members[i], "p", 0)).To(Succeed())
		}
		id, err := d.Send(ctx(), dispatcher.Message{From: "boss", Group: "all", GroupName: "Everyone", Members: members, Text: "meeting at 3", Ext: `{"g":"all"}`})
		Expect(err).NotTo(HaveOccurred())
		Expect(mock.GetTotalCallCount()).To(Equal(3))
		outs := d.Outcomes(dispatcher.OutcomeFilter{MessageID: id})
		Expect(outs).To(HaveLen(2500))
		for _, o := range outs {
			Expect(o.Kind).To(Equal(push.Sent))
			Expect(o.VendorMessageID).To(Equal("scm1"))
		}
		for _, f := range forms {
			Expect(f.Get("title")).To(Equal("Everyone"))
			Expect(f.Get("payload")).To(Equal(`{"g":"all"}`))
			Expect(f.Get("extra.notify_effect")).To(Equal("2"))
			Expect(f.Get("extra.intent_uri")).To(Equal(intent))
			Expect(f.Get("extra.channel_id")).To(Equal("im"))
			Expect(f.Get("extra.jobkey")).NotTo(BeEmpty())
		}
	})

	It("drops the regIds Xiaomi lists in bad_regids", func() {
		mock.RegisterResponder("POST", sendURL, reply(`{"result":"ok","code":0,"data":{"id":"scm2","bad_regids":"regB"}}`, 200))
		for _, u := range []string{"a", "b"} {
			Expect(d.Login(u, "p")).To(Succeed())
			Expect(d.ReportToken(u, "p", 1, "reg"+strings.ToUpper(u))).To(Succeed())
			Expect(d.Background(u, "p", 0)).To(Succeed())
		}
		id, _ := d.Send(ctx(), dispatcher.Message{From: "c", Group: "g", Members: []string{"a", "b"}, Text: "x"})
		outs := d.Outcomes(dispatcher.OutcomeFilter{MessageID: id})
		Expect(outs[0].Kind).To(Equal(push.Sent))
		Expect(outs[1].Kind).To(Equal(push.Rejected))
		Expect(outs[1].Rule).To(Equal(dispatcher.RuleInvalidToken))
		dv, _ := d.Device("b", "p")
		Expect(dv.Token).To(BeEmpty())
	})

	It("retries a 503 with Retry-After under the same jobkey", func() {
		busy, ok := reply(`busy`, 503, "Retry-After", "3"), reply(`{"result":"ok","code":0,"data":{"id":"scm3"}}`, 200)
		n := 0
		mock.RegisterResponder("POST", sendURL, func(req *http.Request) (*http.Response, error) {
			if n++; n <= 2 {
				return busy(req)
			}
			return ok(req)
		})
		Expect(d.Login("a", "p")).To(Succeed())
		Expect(d.ReportToken("a", "p", 1, "regA")).To(Succeed())
		Expect(d.Background("a", "p", 0)).To(Succeed())
		id, _ := d.Send(ctx(), dispatcher.Message{From: "c", To: "a", Text: "x"})
		o := d.Outcomes(dispatcher.OutcomeFilter{MessageID: id})[0]
		Expect(o.Kind).To(Equal(push.Sent))
		Expect(o.Attempts).To(Equal(3))
		Expect(forms).To(HaveLen(3))
		Expect(forms[1].Get("extra.jobkey")).To(Equal(forms[0].Get("extra.jobkey")))
		Expect(forms[2].Get("extra.jobkey")).To(Equal(forms[0].Get("extra.jobkey")))
		for _, s := range clock.Slept() {
			Expect(s).To(BeNumerically(">=", 3e9))
		}
	})
})
