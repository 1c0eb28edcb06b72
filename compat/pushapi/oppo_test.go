package pushapi_test

import (
	"testing"

	"github.com/modood/pushapi/oppopush"

	"github.com/pushsim/pushsim/compat/compattest"
	"github.com/pushsim/pushsim/emulators/world"
)

// TestOPPO sends with modood/pushapi's oppopush, unchanged, to its real host
// api.push.oppomobile.com through s.Client(): it signs /server/v1/auth with
// the MasterSecret and the machine's clock, then sends the form-encoded
// unicast.
func TestOPPO(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "oppo"})
	phone := compattest.Phone(t, s, app, "alice-oppo", 33)

	client := oppopush.NewClient(app.Key, app.Secret)
	client.SetHTTPClient(s.Client())

	// The library README's request, as an IM message of the approved
	// category with the app's private template.
	res, err := client.Send(&oppopush.SendReq{
		TargetType:  2,
		TargetValue: phone.Token,
		Notification: &oppopush.Notification{
			Title:                "Bob",
			Content:              "are you there?",
			ChannelID:            "im",
			Category:             "IM",
			PrivateMsgTemplateID: app.Extra["private_msg_template_id"],
			OffLine:              true,
			OffLineTTL:           3600,
		},
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.Code != 0 || res.Data.MessageID == "" {
		t.Fatalf("answer: %+v", res)
	}
	n := compattest.OnlyShown(t, s, phone)
	if n.Title != "Bob" || n.Body != "are you there?" || n.Channel != "im" || n.MessageID != res.Data.MessageID {
		t.Errorf("shown: %+v", n)
	}

	// OPPO's Android 8+ channel rule: a notification without channel_id is
	// accepted with code 0 and never shown (oppo.channel.required).
	res, err = client.Send(&oppopush.SendReq{TargetType: 2, TargetValue: phone.Token, Notification: &oppopush.Notification{
		Title: "Bob", Content: "no channel", Category: "IM", PrivateMsgTemplateID: app.Extra["private_msg_template_id"]}})
	if err != nil || res.Code != 0 || res.Data.MessageID == "" {
		t.Fatalf("no channel_id: %+v, %v; want accepted", res, err)
	}
	sh := compattest.Shade(t, s, phone)
	if len(sh.Shown) != 1 || len(sh.Dropped) != 1 || sh.Dropped[0].Rule != "oppo.channel.required" || sh.Dropped[0].Body != "no channel" {
		t.Errorf("shade after a push without channel_id: shown %+v, dropped %+v", sh.Shown, sh.Dropped)
	}

	// OPPO's refusals come back as the library's error quoting the answer
	// (vendor-facts/huawei-oppo-fcm-honor.md §2.4, addendum §3.2).
	for _, tc := range []struct {
		name string
		n    oppopush.Notification
		to   string
		code int
	}{
		{"unknown registration id", oppopush.Notification{Title: "t", Content: "c", ChannelID: "im"}, "OPPO_CN_0123456789abcdef0123456789abcdef", 10000},
		{"unapproved category", oppopush.Notification{Title: "t", Content: "c", ChannelID: "im", Category: "ACCOUNT"}, phone.Token, 67},
		{"IM without its template", oppopush.Notification{Title: "t", Content: "c", ChannelID: "im", Category: "IM"}, phone.Token, 54},
		{"no title", oppopush.Notification{Content: "c", ChannelID: "im"}, phone.Token, 40},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.Send(&oppopush.SendReq{TargetType: 2, TargetValue: tc.to, Notification: &tc.n})
			var answer oppopush.SendRes
			compattest.BodyOfError(t, err, &answer)
			if answer.Code != tc.code || answer.Message == "" {
				t.Errorf("answer %+v, want code %d", answer, tc.code)
			}
		})
	}
}

// TestOPPOOffLine: OPPO keeps a message for an offline phone unless
// off_line is false (default true, vendor-facts/huawei-oppo-fcm-honor.md
// §2.3). oppopush.Notification.OffLine has no omitempty, so a request that
// does not set it, like the library README's, sends "off_line":false: OPPO
// accepts it and an offline phone never gets it (compat/README.md).
func TestOPPOOffLine(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: "oppo"})
	phone := compattest.Phone(t, s, app, "alice-oppo", 33)
	if _, err := s.World.UpdateDevice(phone.ID, func(d *world.Device) { d.Offline = true }); err != nil {
		t.Fatal(err)
	}
	client := oppopush.NewClient(app.Key, app.Secret)
	client.SetHTTPClient(s.Client())
	send := func(content string, offLine bool) {
		t.Helper()
		res, err := client.Send(&oppopush.SendReq{TargetType: 2, TargetValue: phone.Token, Notification: &oppopush.Notification{
			Title: "Bob", Content: content, ChannelID: "im", Category: "IM",
			PrivateMsgTemplateID: app.Extra["private_msg_template_id"], OffLine: offLine}})
		if err != nil || res.Code != 0 {
			t.Fatalf("send %q: %+v, %v", content, res, err)
		}
	}
	send("as the README sends it", false)
	send("with off_line", true)

	if _, err := s.World.UpdateDevice(phone.ID, func(d *world.Device) { d.Offline = false }); err != nil {
		t.Fatal(err)
	}
	sh := compattest.Shade(t, s, phone)
	if len(sh.Shown) != 1 || sh.Shown[0].Body != "with off_line" {
		t.Errorf("back online the phone shows %+v", sh.Shown)
	}
	if len(sh.Dropped) != 1 || sh.Dropped[0].Body != "as the README sends it" || sh.Dropped[0].Rule != "world.ttl.offline" {
		t.Errorf("dropped: %+v", sh.Dropped)
	}
}
