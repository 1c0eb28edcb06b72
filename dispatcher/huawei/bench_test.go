package huawei_test

import (
	"encoding/json"
	"testing"

	"github.com/pushsim/pushsim/dispatcher/huawei"
	"github.com/pushsim/pushsim/dispatcher/internal/pushtest"
	"github.com/pushsim/pushsim/dispatcher/push"
)

var benchServer = pushtest.Fixed{TokenStatus: 200, TokenBody: `{"access_token":"AT","expires_in":3600}`,
	SendStatus: 200, SendBody: `{"code":"80000000","msg":"Success","requestId":"r"}`}

// BenchmarkSend: one IM push to 2500 tokens (three batches) with v1.
func BenchmarkSend(b *testing.B) {
	cert := push.Certificate{AppID: "101234567", AppSecret: "s", Package: "com.example.chat", Category: "IM", Channel: "im",
		Settings: map[string]string{"badge_class": "com.example.chat.Main"}}
	pushtest.BenchSend(b, huawei.New, cert, benchServer, 2500)
}

// BenchmarkSendV3: the same to HarmonyOS NEXT phones (v3).
func BenchmarkSendV3(b *testing.B) {
	sa, _ := json.Marshal(map[string]string{"project_id": "388421841221892", "key_id": "kid-1", "sub_account": "1090",
		"private_key": pushtest.PrivateKeyPEM(b)})
	cert := push.Certificate{ServiceAccount: string(sa), Settings: map[string]string{"api": "v3"}}
	pushtest.BenchSend(b, huawei.New, cert, benchServer, 2500)
}
