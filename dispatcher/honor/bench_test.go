package honor_test

import (
	"testing"

	"github.com/pushsim/pushsim/dispatcher/honor"
	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// BenchmarkSend: one IM push to 2500 tokens (three batches).
func BenchmarkSend(b *testing.B) {
	cert := push.Certificate{AppID: "104436789", AppKey: "k", AppSecret: "s", Package: "com.example.chat", Settings: map[string]string{"badge_class": "com.example.chat.Main"}}
	server := pushtest.Fixed{TokenStatus: 200, TokenBody: `{"access_token":"AT","expires_in":3600}`,
		SendStatus: 200, SendBody: `{"code":200,"message":"success","data":{"sendResult":true,"requestId":"r"}}`}
	pushtest.BenchSend(b, honor.New, cert, server, 2500)
}
