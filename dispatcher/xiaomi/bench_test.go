package xiaomi_test

import (
	"testing"

	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/dispatcher/xiaomi"
)

// BenchmarkSend: one IM push to 2500 regIds (three batches).
func BenchmarkSend(b *testing.B) {
	server := pushtest.Fixed{SendStatus: 200, SendBody: `{"result":"ok","code":0,"data":{"id":"scm1"},"trace_id":"X"}`}
	pushtest.BenchSend(b, xiaomi.New, push.Certificate{AppSecret: "s", Package: "com.example.chat", Channel: "im"}, server, 2500)
}
