package vivo_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/dispatcher/vivo"
)

// These specs drive many senders at once through one client: they share
// one /message/auth call (push.TokenCache) whether it succeeds, fails or
// replaces a token a push was answered 10000 with (facts §3.2, §3.4).
var _ = Describe("vivo authToken shared by concurrent senders", func() {
	const senders = 50
	type sentPush struct{ token, regID string }
	var (
		mu         sync.Mutex
		auths      int
		sends      []sentPush
		release    chan struct{}
		firstAuth  string                           // the first auth answer, given after release
		sendAnswer func(token string) (int, string) // nil = success
		c          push.Client
	)
	BeforeEach(func() {
		auths, sends, sendAnswer = 0, nil, nil
		release = make(chan struct{})
		firstAuth = `{"result":0,"desc":"请求成功","authToken":"token-1"}`
		mock := httpmock.NewMockTransport()
		mock.RegisterResponder(http.MethodPost, host+vivo.PathAuth, func(*http.Request) (*http.Response, error) {
			mu.Lock()
			auths++
			n := auths
			mu.Unlock()
			if n > 1 {
				return httpmock.NewStringResponse(200, `{"result":0,"desc":"请求成功","authToken":"token-`+strconv.Itoa(n)+`"}`), nil
			}
			<-release
			return httpmock.NewStringResponse(200, firstAuth), nil
		})
		mock.RegisterResponder(http.MethodPost, host+vivo.PathSend, func(req *http.Request) (*http.Response, error) {
			var body struct {
				RegID string `json:"regId"`
			}
			Expect(json.NewDecoder(req.Body).Decode(&body)).To(Succeed())
			tok := req.Header.Get("authToken")
			mu.Lock()
			sends = append(sends, sentPush{tok, body.RegID})
			answer := sendAnswer
			mu.Unlock()
			if answer != nil {
				return httpmock.NewStringResponse(answer(tok)), nil
			}
			return httpmock.NewStringResponse(200, `{"result":0,"desc":"请求成功","taskId":"1"}`), nil
		})
		var err error
		c, err = vivo.New(push.Certificate{Vendor: "vivo", AppID: "10337", AppKey: "k", AppSecret: "s", Package: "com.example.chat"},
			push.Options{HTTPClient: &http.Client{Transport: mock}, Timeout: time.Second})
		Expect(err).NotTo(HaveOccurred())
	})

	// sendAll sends one push to its own regId from each sender, holding the
	// first auth call until every sender has started and had time to queue
	// behind it (unless release is already closed).
	sendAll := func() []push.Result {
		out := make([]push.Result, senders)
		var started, done sync.WaitGroup
		for i := range senders {
			started.Add(1)
			done.Go(func() {
				started.Done()
				out[i] = c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(i)})[0]
			})
		}
		started.Wait()
		select {
		case <-release:
		default:
			time.Sleep(100 * time.Millisecond)
			close(release)
		}
		done.Wait()
		return out
	}

	It("makes exactly one auth call for 50 sends on a cold cache", func() {
		for i, r := range sendAll() {
			Expect(r.Kind).To(Equal(push.Sent), "sender %d: %+v", i, r)
		}
		Expect(auths).To(Equal(1))
		Expect(sends).To(HaveLen(senders))
		for _, s := range sends {
			Expect(s.token).To(Equal("token-1"))
		}
	})

	It("reports a refused auth to every sender with one auth call", func() {
		firstAuth = `{"result":10206,"desc":"sign错误"}` // 10206 sign wrong (facts §3.2)
		for i, r := range sendAll() {
			Expect(r.Token).To(Equal(regID(i)))
			Expect(r.Kind).To(Equal(push.Rejected))
			Expect(r.Code).To(Equal("10206"))
			Expect(r.Reason).To(Equal("auth: sign错误"))
		}
		Expect(auths).To(Equal(1))
		Expect(sends).To(BeEmpty())
	})

	It("reports a rate-limited auth as retryable to every sender, then signs in afresh", func() {
		firstAuth = `{"result":10250,"desc":"鉴权次数超限"}`
		for _, r := range sendAll() {
			Expect(r.Kind).To(Equal(push.Retryable))
			Expect(r.Code).To(Equal("10250"))
		}
		Expect(auths).To(Equal(1))
		r := c.Send(context.Background(), push.Push{ID: "m", Title: "t", Body: "b"}, []string{regID(1)})
		Expect(r[0].Kind).To(Equal(push.Sent))
		Expect(auths).To(Equal(2))
	})

	It("replaces a token answered 10000 once for all senders and repeats each push once", func() {
		close(release)
		sendAnswer = func(tok string) (int, string) {
			if tok == "token-1" {
				return 200, `{"result":10000,"desc":"鉴权失败"}`
			}
			return 200, `{"result":0,"desc":"请求成功","taskId":"1"}`
		}
		for _, r := range sendAll() {
			Expect(r.Kind).To(Equal(push.Sent))
		}
		Expect(auths).To(Equal(2), "the first auth call and one replacement")
		refused, accepted := map[string]int{}, map[string]int{}
		for _, s := range sends {
			if s.token == "token-1" {
				refused[s.regID]++
			} else {
				Expect(s.token).To(Equal("token-2"))
				accepted[s.regID]++
			}
		}
		Expect(refused).NotTo(BeEmpty())
		for i := range senders {
			Expect(refused[regID(i)]).To(BeNumerically("<=", 1), "a push is repeated once at most")
			Expect(accepted[regID(i)]).To(Equal(1))
		}
	})
})
