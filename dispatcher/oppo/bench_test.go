package oppo_test

import (
	"testing"

	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/oppo"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// BenchmarkSendOne: one IM push to one token (a unicast with the cached
// auth_token, the path every single send takes). One answer serves the
// auth and the unicast alike. A batch needs per-target answers, which a
// fixed answer cannot give.
func BenchmarkSendOne(b *testing.B) {
	server := pushtest.Fixed{SendStatus: 200, SendBody: `{"code":0,"message":"Success","data":{"auth_token":"at","messageId":"3000-1-1"}}`}
	pushtest.BenchSend(b, oppo.New, push.Certificate{AppKey: "k", MasterSecret: "s", Package: "com.example.chat", Category: "IM"}, server, 1)
}
