package vivo_test

import (
	"testing"

	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/push"
	"github.com/pushsim/pushsim/dispatcher/vivo"
)

// BenchmarkSend: one IM push to 2500 regIds (three lists). One answer
// serves the auth, saveListPayload and pushToList calls alike.
func BenchmarkSend(b *testing.B) {
	server := pushtest.Fixed{SendStatus: 200, SendBody: `{"result":0,"desc":"ok","authToken":"at","taskId":"1"}`}
	pushtest.BenchSend(b, vivo.New, push.Certificate{AppID: "1001", AppKey: "k", AppSecret: "s", Package: "com.example.chat", Category: "IM"}, server, 2500)
}
