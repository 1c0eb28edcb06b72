// Package hmspush_test drives github.com/appleboy/go-hms-push (the Huawei
// client gorush uses), unchanged, against the Huawei emulator. The client
// builds its own http.Client, so it is pointed at a loopback port through
// its config: AuthUrl and PushUrl.
package hmspush_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/appleboy/go-hms-push/push/config"
	"github.com/appleboy/go-hms-push/push/constant"
	"github.com/appleboy/go-hms-push/push/core"
	"github.com/appleboy/go-hms-push/push/model"

	"github.com/pushsim/pushsim/compat/compattest"
	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/huawei"
	"github.com/pushsim/pushsim/emulators/world"
)

func newClient(t *testing.T, s *emulators.Server, app *world.App, secret string) *core.HMSClient {
	t.Helper()
	c, err := core.NewHttpClient(&config.Config{
		AppId:     app.ID,
		AppSecret: secret,
		AuthUrl:   s.BaseURL("huawei") + "/oauth2/v3/token",
		PushUrl:   s.BaseURL("huawei"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// notification is the request of the library's send_notify_message
// example, as an IM message (the demo app holds the self-classification
// right).
func notification(title, body string, tokens ...string) *model.MessageRequest {
	req := model.NewNotificationMsgRequest()
	req.Message.Token = tokens
	req.Message.Android = model.GetDefaultAndroid()
	req.Message.Android.Category = "IM"
	req.Message.Android.Notification = model.GetDefaultAndroidNotification()
	req.Message.Android.Notification.Title = title
	req.Message.Android.Notification.Body = body
	return req
}

func TestSendNotification(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "huawei"})
	phone := compattest.Phone(t, s, app, "alice-huawei", 33)
	client := newClient(t, s, app, app.Secret)
	ctx := context.Background()

	req := notification("Bob", "are you there?", phone.Token)
	req.Message.Android.Data = `{"conv":"c1"}`
	res, err := client.SendMessage(ctx, req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.Code != constant.Success || res.Msg != "Success" || res.RequestId == "" {
		t.Fatalf("answer: %+v", res)
	}
	n := compattest.OnlyShown(t, s, phone)
	if n.Title != "Bob" || n.Body != "are you there?" || n.MessageID != res.RequestId || n.Sound != "default" || n.Importance != "NORMAL" {
		t.Errorf("shown: %+v", n)
	}
	// The token exchange went over the wire.
	issued := s.World.Ledger(world.Filter{Vendor: "huawei", Rule: huawei.RuleOAuthIssued})
	if len(issued) != 1 || issued[0].Path != "/oauth2/v3/token" {
		t.Errorf("token endpoint ledger: %+v", issued)
	}

	// validate_only: checked, answered with success, never delivered.
	dry := notification("dry", "run", phone.Token)
	dry.ValidateOnly = true
	if res, err := client.SendMessage(ctx, dry); err != nil || res.Code != constant.Success {
		t.Errorf("validate_only: %+v, %v", res, err)
	}
	if sh := compattest.Shade(t, s, phone); len(sh.Shown) != 1 {
		t.Errorf("a validate_only message reached the shade: %+v", sh.Shown)
	}
}

// TestErrors: Huawei's result codes reach the caller in
// MessageResponse.Code (the client returns no error for them).
func TestErrors(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "huawei"})
	phone := compattest.Phone(t, s, app, "alice-huawei", 33)
	client := newClient(t, s, app, app.Secret)
	ctx := context.Background()

	stranger := s.Vendor("huawei").NewToken(app)
	res, err := client.SendMessage(ctx, notification("t", "b", stranger))
	if err != nil || res.Code != "80300007" || res.Msg != "All the tokens are invalid" {
		t.Errorf("unknown token: %+v, %v", res, err)
	}

	// One good token, one unknown: 80100000 with msg a JSON string naming
	// the illegal token (vendor-facts/huawei-oppo-fcm-honor.md §1.4).
	res, err = client.SendMessage(ctx, notification("Bob", "hi", phone.Token, stranger))
	var failures struct {
		Success, Failure int
		IllegalTokens    []string `json:"illegal_tokens"`
	}
	if err != nil || res.Code != "80100000" || json.Unmarshal([]byte(res.Msg), &failures) != nil ||
		failures.Success != 1 || failures.Failure != 1 || len(failures.IllegalTokens) != 1 || failures.IllegalTokens[0] != stranger {
		t.Errorf("partial success: %+v (%+v), %v", res, failures, err)
	}
	if n := compattest.OnlyShown(t, s, phone); n.Body != "hi" {
		t.Errorf("shown: %+v", n)
	}

	// HIGH importance without the right: 80300011.
	high := notification("t", "b", phone.Token)
	high.Message.Android.Notification.Importance = constant.NotificationPriorityHigh
	if res, err := client.SendMessage(ctx, high); err != nil || res.Code != "80300011" {
		t.Errorf("HIGH importance: %+v, %v", res, err)
	}
}

// TestWrongSecret: Huawei refuses the token request (HTTP 400, sub_error
// 12304); go-hms-push ignores a non-200 token answer and goes on with an
// empty bearer token, so the refusal only shows as 80200001 on the send,
// after the client's one refresh-and-retry (compat/README.md).
func TestWrongSecret(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "huawei"})
	phone := compattest.Phone(t, s, app, "alice-huawei", 33)
	client := newClient(t, s, app, "0000000000000000000000000000000000000000000000000000000000000000")

	res, err := client.SendMessage(context.Background(), notification("t", "b", phone.Token))
	if err != nil || res.Code != constant.TokenFailedErr {
		t.Errorf("send with no token: %+v, %v", res, err)
	}
	refused := s.World.Ledger(world.Filter{Vendor: "huawei", Rule: huawei.RuleOAuthSecret})
	if len(refused) != 2 || refused[0].Code != "12304" || refused[0].Status != 400 {
		t.Errorf("token requests: %+v (want the first and the retry's, refused with 12304)", refused)
	}
	if sh := compattest.Shade(t, s, phone); len(sh.Shown) != 0 {
		t.Errorf("shown: %+v", sh.Shown)
	}
}

// TestExampleDefaultsAreMarketing: the library's own example request
// (GetDefaultAndroid, GetDefaultAndroidNotification) carries no category,
// so Huawei treats it as news & marketing: shown silently, at most 2 per
// device per app per day (vendor-facts/huawei-oppo-fcm-honor.md §1.5).
func TestExampleDefaultsAreMarketing(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "huawei"})
	phone := compattest.Phone(t, s, app, "alice-huawei", 33)
	client := newClient(t, s, app, app.Secret)

	for i, body := range []string{"one", "two", "three"} {
		req := notification("Bob", body, phone.Token)
		req.Message.Android.Category = "" // as the example sends it
		req.Message.Android.Notification.NotifyId = i + 1
		if res, err := client.SendMessage(context.Background(), req); err != nil || res.Code != constant.Success {
			t.Fatalf("send %q: %+v, %v", body, res, err)
		}
	}
	sh := compattest.Shade(t, s, phone)
	if len(sh.Shown) != 2 || !sh.Shown[0].Silent || sh.Shown[0].Importance != "LOW" || sh.Shown[1].Body != "two" {
		t.Errorf("shown: %+v", sh.Shown)
	}
	if len(sh.Dropped) != 1 || sh.Dropped[0].Body != "three" || sh.Dropped[0].Rule != huawei.RuleMarketingCap {
		t.Errorf("dropped: %+v", sh.Dropped)
	}
}
