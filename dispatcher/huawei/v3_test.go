package huawei_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jarcoal/httpmock"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/dispatcher/huawei"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var _ = Describe("Huawei client for HarmonyOS NEXT (v3)", func() {
	const v3Send = "https://push-api.cloud.huawei.com/v3/388421841221892/messages:send"
	var (
		mock  *httpmock.MockTransport
		key   *rsa.PrivateKey
		cert  push.Certificate
		now   time.Time
		mu    sync.Mutex
		seen  []*http.Request
		bodys []map[string]any
		raws  []string
	)
	keyFile := func(k *rsa.PrivateKey) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		Expect(err).NotTo(HaveOccurred())
		b, _ := json.Marshal(map[string]string{"project_id": "388421841221892", "key_id": "kid-1", "sub_account": "1090", "token_uri": "https://oauth-login.cloud.huawei.com/oauth2/v3/token",
			"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))})
		return string(b)
	}
	reply := func(status int, body string) httpmock.Responder {
		return func(req *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(req.Body)
			var m map[string]any
			Expect(json.Unmarshal(b, &m)).To(Succeed())
			mu.Lock()
			seen, bodys, raws = append(seen, req), append(bodys, m), append(raws, string(b))
			mu.Unlock()
			return httpmock.NewStringResponse(status, body), nil
		}
	}
	client := func() push.Client {
		c, err := huawei.New(cert, push.Options{HTTPClient: &http.Client{Transport: mock}, Now: func() time.Time { return now }})
		Expect(err).NotTo(HaveOccurred())
		return c
	}
	// verify checks a bearer the way the emulator does and returns its claims.
	verify := func(bearer string) map[string]any {
		parts := strings.Split(strings.TrimPrefix(bearer, "Bearer "), ".")
		Expect(parts).To(HaveLen(3))
		h, _ := base64.RawURLEncoding.DecodeString(parts[0])
		Expect(string(h)).To(MatchJSON(`{"alg":"PS256","kid":"kid-1","typ":"JWT"}`))
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		d := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		Expect(rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, d[:], sig, nil)).To(Succeed())
		c, _ := base64.RawURLEncoding.DecodeString(parts[1])
		var m map[string]any
		Expect(json.Unmarshal(c, &m)).To(Succeed())
		return m
	}
	ok := reply(200, `{"code":"80000000","msg":"Success","requestId":"r1"}`)

	BeforeEach(func() {
		var err error
		if key == nil {
			key, err = rsa.GenerateKey(rand.Reader, 2048)
			Expect(err).NotTo(HaveOccurred())
		}
		mock = httpmock.NewMockTransport()
		seen, bodys, raws = nil, nil, nil
		now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
		cert = push.Certificate{Vendor: "huawei", AppID: "101234567", AppSecret: "s", ServiceAccount: keyFile(key), Package: "com.example.chat",
			Settings: map[string]string{huawei.SettingAPI: "v3"}}
	})

	It("refuses a v3 certificate without a usable key file", func() {
		cert.ServiceAccount = ""
		_, err := huawei.New(cert, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("service_account")))
		cert.ServiceAccount = `{"project_id":"1","key_id":"k","sub_account":"s","private_key":"nope"}`
		_, err = huawei.New(cert, push.Options{})
		Expect(err).To(MatchError(ContainSubstring("PEM")))
	})

	It("sends push-type 0 with a PS256 JWT, category IM and the ext byte for byte under clickAction.data's ext", func() {
		mock.RegisterResponder(http.MethodPost, v3Send, ok)
		ext := `{"chatId":42,"html":"<b>&</b>","emoji":"😀"}`
		res := client().Send(context.Background(), push.Push{ID: "m-1", Title: "Bob", Body: "hi", Ext: ext, Badge: 3, NotifyID: "7", TTL: time.Hour}, []string{"t1", "t2"})
		Expect(res).To(HaveEach(And(HaveField("Kind", push.Sent), HaveField("MessageID", "r1"))))
		Expect(seen[0].Header.Get("push-type")).To(Equal("0"))
		claims := verify(seen[0].Header.Get("Authorization"))
		Expect(claims).To(HaveKeyWithValue("iss", "1090"))
		Expect(claims).To(HaveKeyWithValue("aud", "https://oauth-login.cloud.huawei.com/oauth2/v3/token"))
		Expect(claims["exp"].(float64) - claims["iat"].(float64)).To(BeNumerically("==", 3600))
		Expect(raws[0]).To(ContainSubstring(`"data":{"ext":"{\"chatId\":42,\"html\":\"<b>&</b>\",\"emoji\":\"😀\"}"}`))
		n := bodys[0]["payload"].(map[string]any)["notification"].(map[string]any)
		Expect(n).To(And(HaveKeyWithValue("category", "IM"), HaveKeyWithValue("title", "Bob"), HaveKeyWithValue("notifyId", float64(7)),
			HaveKeyWithValue("badge", map[string]any{"setNum": float64(3)})))
		Expect(bodys[0]["target"]).To(Equal(map[string]any{"token": []any{"t1", "t2"}}))
		Expect(bodys[0]["pushOptions"]).To(Equal(map[string]any{"ttl": float64(3600), "biTag": "m-1"}))
	})

	It("sends a pass-through as a background message (push-type 6) and marketing as MARKETING", func() {
		mock.RegisterResponder(http.MethodPost, v3Send, ok)
		c := client()
		c.Send(context.Background(), push.Push{PassThrough: true, Ext: "sync"}, []string{"t"})
		Expect(seen[0].Header.Get("push-type")).To(Equal("6"))
		Expect(bodys[0]["payload"]).To(Equal(map[string]any{"extraData": `{"ext":"sync"}`}))
		c.Send(context.Background(), push.Push{Title: "Sale", Body: "x", Class: "public", Click: push.Click{Type: "action", Target: "a.b"}}, []string{"t"})
		n := bodys[1]["payload"].(map[string]any)["notification"].(map[string]any)
		Expect(n).To(HaveKeyWithValue("category", "MARKETING"))
		Expect(n).To(HaveKeyWithValue("clickAction", map[string]any{"actionType": float64(1), "action": "a.b"}))
	})

	It("reuses the JWT and signs a new one when it nears exp or the server says 80200005", func() {
		n := 0
		mock.RegisterResponder(http.MethodPost, v3Send, func(req *http.Request) (*http.Response, error) {
			n++
			mu.Lock()
			seen = append(seen, req)
			mu.Unlock()
			if n == 3 {
				return httpmock.NewStringResponse(401, `{"code":"80200005","msg":"Jwt token expired","requestId":"r"}`), nil
			}
			return httpmock.NewStringResponse(200, `{"code":"80000000","msg":"Success","requestId":"r"}`), nil
		})
		c := client()
		c.Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"t"})
		c.Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"t"})
		Expect(seen[1].Header.Get("Authorization")).To(Equal(seen[0].Header.Get("Authorization")))
		res := c.Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"t"})
		Expect(res).To(ConsistOf(HaveField("Kind", push.Sent)))
		Expect(seen[3].Header.Get("Authorization")).NotTo(Equal(seen[2].Header.Get("Authorization")))
		now = now.Add(56 * time.Minute)
		c.Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"t"})
		Expect(seen[4].Header.Get("Authorization")).NotTo(Equal(seen[3].Header.Get("Authorization")))
	})

	It("maps 80100000 by reason: dead tokens are invalid, the others sent", func() {
		mock.RegisterResponder(http.MethodPost, v3Send, reply(200, `{"code":"80100000","msg":"{\"illegalTokens\":{\"noRight\":[\"b\"],\"tokenFormatError\":[\"c\"]},\"failure\":2}","requestId":"r"}`))
		res := client().Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"a", "b", "c"})
		Expect(res).To(ConsistOf(
			And(HaveField("Token", "a"), HaveField("Kind", push.Sent)),
			And(HaveField("Token", "b"), HaveField("Kind", push.Rejected), HaveField("InvalidToken", true), HaveField("Reason", "noRight")),
			And(HaveField("Token", "c"), HaveField("Kind", push.Rejected), HaveField("InvalidToken", true)),
		))
	})

	It("does not blame the token for a missing push-type right", func() {
		mock.RegisterResponder(http.MethodPost, v3Send, reply(400, `{"code":"80300007","msg":"{\"illegalTokens\":{\"noPushTypeRight\":[\"a\"]},\"failure\":1}","requestId":"r"}`))
		res := client().Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"a"})
		Expect(res).To(ConsistOf(And(HaveField("Kind", push.Rejected), HaveField("InvalidToken", false), HaveField("Reason", "noPushTypeRight"))))
	})

	DescribeTable("classifies the other answers",
		func(status int, body string, kind push.Kind) {
			mock.RegisterResponder(http.MethodPost, v3Send, reply(status, body))
			res := client().Send(context.Background(), push.Push{Title: "a", Body: "b"}, []string{"a"})
			Expect(res).To(ConsistOf(HaveField("Kind", kind)))
		},
		Entry("test messages over the limit", 400, `{"code":"80300029","msg":"x","requestId":"r"}`, push.OverQuota),
		Entry("flow control", 503, `{"code":"81000001","msg":"x","requestId":"r"}`, push.Retryable),
		Entry("illegal payload", 400, `{"code":"80100003","msg":"Illegal payload, x","requestId":"r"}`, push.Rejected),
		Entry("a JWT over a day", 400, `{"code":"80300036","msg":"x","requestId":"r"}`, push.Rejected),
	)
})
