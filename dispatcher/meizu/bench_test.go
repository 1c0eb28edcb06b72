package meizu_test

import (
	"testing"

	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/meizu"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// BenchmarkSend: one IM push to 2500 pushIds (25 batches).
func BenchmarkSend(b *testing.B) {
	server := pushtest.Fixed{SendStatus: 200, SendBody: `{"code":"200","message":"","msgId":"mid","value":{}}`}
	pushtest.BenchSend(b, meizu.New, push.Certificate{AppID: "100999", AppSecret: "s", Package: "com.example.chat"}, server, 2500)
}
