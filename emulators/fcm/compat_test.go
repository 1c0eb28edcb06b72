package fcm_test

import (
	"context"
	"testing"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

// TestFirebaseAdminSDK sends through the emulators with the official
// firebase-admin-go messaging client, unchanged: it is configured only with
// option.WithEndpoint and a service-account key file whose token_uri is the
// emulator, so it mints and signs its own JWT, exchanges it for an access
// token, and sends with it.
func TestFirebaseAdminSDK(t *testing.T) {
	// The SDK signs its JWT with the machine's clock, so the world runs on a
	// virtual clock that starts at the real time.
	s := emulators.Start(t, emulators.Options{Clock: world.NewVirtualClock(time.Now()), Seed: 11})
	v := s.Vendor(fcm.Vendor)
	app := world.App{Vendor: fcm.Vendor, Name: "chat", Package: "com.example.chat",
		Channels: []world.Channel{{ID: "im", Class: world.ClassPrivate}}}
	v.DemoApp(&app)
	stored, err := s.World.AddApp(app)
	if err != nil {
		t.Fatal(err)
	}
	phone, err := s.World.Register(world.Device{Vendor: fcm.Vendor, App: "chat", Name: "alice-phone", Token: v.NewToken(stored)})
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	key := fcm.ServiceAccountJSON(stored, s.BaseURL(fcm.Vendor)+"/token")
	fb, err := firebase.NewApp(ctx, nil,
		option.WithCredentialsJSON(key),
		option.WithEndpoint(s.BaseURL(fcm.Vendor)+"/v1"))
	if err != nil {
		t.Fatal(err)
	}
	client, err := fb.Messaging(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ttl := 90 * time.Second
	name, err := client.Send(ctx, &messaging.Message{
		Token:        phone.Token,
		Notification: &messaging.Notification{Title: "Bob", Body: "are you there?"},
		Data:         map[string]string{"ext": `{"conv":"c1"}`},
		Android: &messaging.AndroidConfig{
			Priority: "high",
			TTL:      &ttl,
			Notification: &messaging.AndroidNotification{
				ChannelID:   "im",
				Tag:         "conv-c1",
				ClickAction: "OPEN_CHAT",
				Priority:    messaging.PriorityHigh,
				Visibility:  messaging.VisibilityPrivate,
			},
		},
	})
	if err != nil {
		t.Fatalf("send through the emulator: %v", err)
	}
	if want := "projects/" + stored.ID + "/messages/"; len(name) <= len(want) || name[:len(want)] != want {
		t.Fatalf("message name %q, want prefix %q", name, want)
	}

	sh, err := s.World.Shade(phone.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Shown) != 1 {
		t.Fatalf("shade shows %d notifications, want 1 (dropped: %+v)", len(sh.Shown), sh.Dropped)
	}
	n := sh.Shown[0]
	if n.Title != "Bob" || n.Body != "are you there?" || n.Channel != "im" || n.NotifyID != "conv-c1" ||
		n.Click.Target != "OPEN_CHAT" || n.Extras["ext"] != `{"conv":"c1"}` || n.MessageID != name {
		t.Fatalf("shade shows %+v", n)
	}

	// The token exchange went over the wire with a real JWT.
	issued := s.World.Ledger(world.Filter{Vendor: fcm.Vendor, Rule: fcm.RuleAuthIssued})
	if len(issued) != 1 || issued[0].App != "chat" {
		t.Fatalf("token endpoint ledger: %+v", issued)
	}

	// Errors map onto the SDK's own predicates.
	_, err = client.Send(ctx, &messaging.Message{Token: v.NewToken(stored), Notification: &messaging.Notification{Title: "x"}})
	if !messaging.IsUnregistered(err) {
		t.Fatalf("unknown token: %v, want IsUnregistered", err)
	}
	_, err = client.Send(ctx, &messaging.Message{Token: phone.Token, Data: map[string]string{"google.x": "y"}})
	if !messaging.IsInvalidArgument(err) {
		t.Fatalf("reserved key: %v, want IsInvalidArgument", err)
	}

	// A dry run validates without delivering.
	name, err = client.SendDryRun(ctx, &messaging.Message{Token: phone.Token, Notification: &messaging.Notification{Title: "dry"}})
	if err != nil || name != "projects/"+stored.ID+"/messages/fake_message_id" {
		t.Fatalf("dry run: %q, %v", name, err)
	}
	if sh, _ := s.World.Shade(phone.ID); len(sh.Shown) != 1 {
		t.Fatalf("a dry run reached the shade")
	}
}

// TestFirebaseAdminSDKTopics subscribes a phone with the official SDK's
// SubscribeToTopic and sends to the topic. The SDK's Instance ID endpoint is
// hard-coded (https://iid.googleapis.com/iid/v1), so the SDK gets an HTTP
// client whose transport reaches the emulators in memory by the real host
// names; the client is authorised the way the SDK authorises itself
// (x/oauth2's JWT flow over the key file, whose token_uri is Google's).
func TestFirebaseAdminSDKTopics(t *testing.T) {
	s := emulators.Start(t, emulators.Options{Clock: world.NewVirtualClock(time.Now()), Seed: 12})
	v := s.Vendor(fcm.Vendor)
	app := world.App{Vendor: fcm.Vendor, Name: "news", Package: "com.example.news"}
	v.DemoApp(&app)
	stored, err := s.World.AddApp(app)
	if err != nil {
		t.Fatal(err)
	}
	register := func(name string) world.Device {
		d, err := s.World.Register(world.Device{Vendor: fcm.Vendor, App: "news", Name: name, Token: v.NewToken(stored)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	alice, bob := register("alice-phone"), register("bob-phone")

	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, s.Client())
	creds, err := google.CredentialsFromJSON(ctx, fcm.ServiceAccountJSON(stored, fcm.GoogleTokenURL), "https://www.googleapis.com/auth/firebase.messaging")
	if err != nil {
		t.Fatal(err)
	}
	fb, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: stored.ID}, option.WithHTTPClient(oauth2.NewClient(ctx, creds.TokenSource)))
	if err != nil {
		t.Fatal(err)
	}
	client, err := fb.Messaging(ctx)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := client.SubscribeToTopic(ctx, []string{alice.Token, v.NewToken(stored)}, "breaking")
	if err != nil {
		t.Fatalf("SubscribeToTopic: %v", err)
	}
	if resp.SuccessCount != 1 || resp.FailureCount != 1 || resp.Errors[0].Index != 1 || resp.Errors[0].Reason != "NOT_FOUND" {
		t.Fatalf("SubscribeToTopic answered %+v (errors %+v)", resp, resp.Errors)
	}
	if _, err := client.Send(ctx, &messaging.Message{Topic: "breaking", Notification: &messaging.Notification{Title: "Extra", Body: "read all about it"}}); err != nil {
		t.Fatalf("send to the topic: %v", err)
	}
	if sh, _ := s.World.Shade(alice.ID); len(sh.Shown) != 1 || sh.Shown[0].Title != "Extra" {
		t.Fatalf("the subscribed phone shows %+v", sh.Shown)
	}
	if sh, _ := s.World.Shade(bob.ID); len(sh.Shown) != 0 {
		t.Fatalf("the phone that did not subscribe shows %+v", sh.Shown)
	}

	// A condition, then the SDK's unsubscribe.
	if _, err := client.Send(ctx, &messaging.Message{Condition: "'breaking' in topics && !('sports' in topics)", Data: map[string]string{"k": "v"}}); err != nil {
		t.Fatalf("send to a condition: %v", err)
	}
	if sh, _ := s.World.Shade(alice.ID); len(sh.Inbox) != 1 {
		t.Fatalf("the condition's data message did not reach the app: %+v", sh)
	}
	if resp, err := client.UnsubscribeFromTopic(ctx, []string{alice.Token}, "/topics/breaking"); err != nil || resp.SuccessCount != 1 {
		t.Fatalf("UnsubscribeFromTopic: %+v, %v", resp, err)
	}
	if ts, _ := s.World.DeviceTopics(alice.ID); len(ts) != 0 {
		t.Fatalf("still subscribed to %v", ts)
	}
	_, err = client.Send(ctx, &messaging.Message{Condition: "'a' in topics ||", Notification: &messaging.Notification{Title: "x"}})
	if !messaging.IsInvalidArgument(err) {
		t.Fatalf("a malformed condition: %v, want IsInvalidArgument", err)
	}
}
