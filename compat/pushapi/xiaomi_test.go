package pushapi_test

import (
	"testing"

	"github.com/modood/pushapi/xiaomipush"

	"github.com/pushsim/pushsim/compat/compattest"
	"github.com/pushsim/pushsim/emulators/world"
)

// TestXiaomi sends with modood/pushapi's xiaomipush, unchanged, to its real
// host api.xmpush.xiaomi.com, which s.Client() routes to the emulator in
// memory.
func TestXiaomi(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "xiaomi"})
	phone := compattest.Phone(t, s, app, "alice-xiaomi", 33)

	client := xiaomipush.NewClient(app.Secret)
	client.SetHTTPClient(s.Client())

	// The request of the library's README, with the package named.
	res, err := client.Send(&xiaomipush.SendReq{
		RegistrationId:        phone.Token,
		RestrictedPackageName: app.Package,
		Title:                 "Bob",
		Description:           "are you there?",
		NotifyType:            2,
		Extra:                 &xiaomipush.Extra{NotifyEffect: "1", ChannelId: "high_im", ChannelName: "即时消息"},
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.Code != 0 || res.Result.Result != "ok" || res.Data.ID == "" {
		t.Fatalf("answer: %+v", res)
	}
	n := compattest.OnlyShown(t, s, phone)
	if n.Title != "Bob" || n.Body != "are you there?" || n.Channel != "high_im" || n.MessageID != res.Data.ID {
		t.Errorf("shown: %+v", n)
	}

	// Xiaomi's own refusals come back as the library's error quoting the
	// answer (vendor-facts/xiaomi-meizu-vivo.md §1.4, §1.5).
	for _, tc := range []struct {
		name   string
		req    xiaomipush.SendReq
		code   int64
		reason string
	}{
		{"unregistered channel", xiaomipush.SendReq{RegistrationId: phone.Token, RestrictedPackageName: app.Package, Title: "t", Description: "d",
			Extra: &xiaomipush.Extra{ChannelId: "no_such_channel"}}, 27001, "invalid channel info!"},
		{"another app's package", xiaomipush.SendReq{RegistrationId: phone.Token, RestrictedPackageName: "com.example.other", Title: "t", Description: "d",
			Extra: &xiaomipush.Extra{ChannelId: "high_im"}}, 22022, ""},
		{"unknown regId", xiaomipush.SendReq{RegistrationId: s.Vendor("xiaomi").NewToken(app), RestrictedPackageName: app.Package, Title: "t", Description: "d",
			Extra: &xiaomipush.Extra{ChannelId: "high_im"}}, 20301, "No valid targets!"},
		{"no title", xiaomipush.SendReq{RegistrationId: phone.Token, RestrictedPackageName: app.Package, Description: "d",
			Extra: &xiaomipush.Extra{ChannelId: "high_im"}}, 10016, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.Send(&tc.req)
			var answer xiaomipush.Result
			compattest.BodyOfError(t, err, &answer)
			if answer.Result != "error" || answer.Code != tc.code || tc.reason != "" && answer.Reason != tc.reason {
				t.Errorf("answer %+v, want code %d %q", answer, tc.code, tc.reason)
			}
		})
	}
	if sh := compattest.Shade(t, s, phone); len(sh.Shown) != 1 {
		t.Errorf("a refused message reached the shade: %+v", sh.Shown)
	}
}

// TestXiaomiWrongSecret: the AppKey where the AppSecret belongs is refused
// with 21301 (vendor-facts/xiaomi-meizu-vivo.md §1.2).
func TestXiaomiWrongSecret(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "xiaomi"})
	phone := compattest.Phone(t, s, app, "alice-xiaomi", 33)
	client := xiaomipush.NewClient(app.Key)
	client.SetHost(s.BaseURL("xiaomi")) // the loopback port, by path
	_, err := client.Send(&xiaomipush.SendReq{RegistrationId: phone.Token, RestrictedPackageName: app.Package, Title: "t", Description: "d"})
	var answer xiaomipush.Result
	compattest.BodyOfError(t, err, &answer)
	if answer.Code != 21301 || answer.Reason != "Invalid application secret." {
		t.Errorf("answer %+v", answer)
	}
}
