package pushapi_test

import (
	"encoding/json"
	"testing"

	"github.com/modood/pushapi/huaweipush"

	"github.com/pushsim/pushsim/compat/compattest"
	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

// TestHuawei sends with modood/pushapi's huaweipush, unchanged. Its token
// URL is a constant (oauth-login.cloud.huawei.com/oauth2/v2/token), so the
// client reaches the emulators through s.Client(), which routes the real
// host names in memory.
func TestHuawei(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "huawei"})
	phone := compattest.Phone(t, s, app, "alice-huawei", 33)

	client := huaweipush.NewClient(app.ID, app.Secret)
	client.SetHTTPClient(s.Client())

	// The library README's request, as an IM message (the demo app holds
	// the self-classification right).
	message := func(body string, tokens ...string) *huaweipush.SendReq {
		return &huaweipush.SendReq{Message: &huaweipush.Message{
			Android: &huaweipush.AndroidConfig{Category: "IM", Notification: &huaweipush.AndroidNotification{
				Title: "Bob", Body: body, Tag: "conv-c1", ClickAction: &huaweipush.ClickAction{Type: 3},
			}},
			Tokens: tokens,
		}}
	}
	res, err := client.Send(message("are you there?", phone.Token))
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.Code != huaweipush.CodeSuccess || res.Message != "Success" || res.RequestID == "" {
		t.Fatalf("answer: %+v", res)
	}
	n := compattest.OnlyShown(t, s, phone)
	if n.Title != "Bob" || n.Body != "are you there?" || n.NotifyID != "tag:conv-c1" || n.MessageID != res.RequestID {
		t.Errorf("shown: %+v", n)
	}
	// The token exchange went over the wire, on the v2 path the client uses.
	issued := s.World.Ledger(world.Filter{Vendor: "huawei", Rule: huawei.RuleOAuthIssued})
	if len(issued) != 1 || issued[0].Path != "/oauth2/v2/token" {
		t.Errorf("token endpoint ledger: %+v", issued)
	}

	// Unknown token: Huawei answers 80300007 and the client reports it.
	_, err = client.Send(message("x", s.Vendor("huawei").NewToken(app)))
	var answer huaweipush.SendRes
	compattest.BodyOfError(t, err, &answer)
	if answer.Code != huaweipush.CodeInvalidTokens || answer.Message != "All the tokens are invalid" {
		t.Errorf("unknown token: %+v", answer)
	}

	// Partial success: the valid phone gets the message, Huawei answers
	// 80100000 listing the illegal token, and the client, which treats
	// every code but 80000000 as a failure, returns an error although the
	// message went out (compat/README.md).
	stranger := s.Vendor("huawei").NewToken(app)
	_, err = client.Send(message("still there?", phone.Token, stranger))
	compattest.BodyOfError(t, err, &answer)
	var failures struct {
		Success, Failure int
		IllegalTokens    []string `json:"illegal_tokens"`
	}
	if answer.Code != huaweipush.CodeIllegalToken || json.Unmarshal([]byte(answer.Message), &failures) != nil ||
		failures.Success != 1 || failures.Failure != 1 || len(failures.IllegalTokens) != 1 || failures.IllegalTokens[0] != stranger {
		t.Errorf("partial success: %+v (%+v)", answer, failures)
	}
	// Same tag: the second message replaced the first on the phone.
	if n := compattest.OnlyShown(t, s, phone); n.Body != "still there?" {
		t.Errorf("after the partial success the phone shows %+v", n)
	}

	// HIGH importance without the right: 80300011.
	high := message("x", phone.Token)
	high.Message.Android.Notification.Importance = "HIGH"
	_, err = client.Send(high)
	compattest.BodyOfError(t, err, &answer)
	if answer.Code != huaweipush.CodePriority {
		t.Errorf("HIGH importance: %+v", answer)
	}
}
