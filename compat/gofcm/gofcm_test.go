// Package gofcm_test drives github.com/appleboy/go-fcm (gorush's FCM
// client, a wrapper of firebase-admin-go), unchanged, against the FCM
// emulator: a service-account key whose token_uri is the emulator, and
// WithEndpoint pointing the sends at it.
package gofcm_test

import (
	"context"
	"strings"
	"testing"

	"firebase.google.com/go/v4/messaging"
	gofcm "github.com/appleboy/go-fcm"

	"github.com/pushsim/pushsim/compat/compattest"
	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

func TestSend(t *testing.T) {
	s := compattest.Start(t)
	app := compattest.App(t, s, world.App{Vendor: fcm.Vendor, Channels: []world.Channel{{ID: "im", Class: world.ClassPrivate}}})
	phone := compattest.Phone(t, s, app, "alice-fcm", 33)
	stranger := s.Vendor(fcm.Vendor).NewToken(app)

	ctx := context.Background()
	client, err := gofcm.NewClient(ctx,
		gofcm.WithCredentialsJSON(fcm.ServiceAccountJSON(app, s.BaseURL(fcm.Vendor)+"/token")),
		gofcm.WithEndpoint(s.BaseURL(fcm.Vendor)+"/v1"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.Send(ctx,
		&messaging.Message{
			Token:        phone.Token,
			Notification: &messaging.Notification{Title: "Bob", Body: "are you there?"},
			Data:         map[string]string{"conv": "c1"},
			Android:      &messaging.AndroidConfig{Priority: "high", Notification: &messaging.AndroidNotification{ChannelID: "im"}},
		},
		&messaging.Message{Token: stranger, Notification: &messaging.Notification{Title: "x"}},
	)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	if res.SuccessCount != 1 || res.FailureCount != 1 || len(res.Responses) != 2 {
		t.Fatalf("batch: %+v", res)
	}
	ok, bad := res.Responses[0], res.Responses[1]
	if !ok.Success || !strings.HasPrefix(ok.MessageID, "projects/"+app.ID+"/messages/") {
		t.Errorf("first: %+v", ok)
	}
	// FCM answers an unknown token 404 UNREGISTERED; firebase-admin maps it
	// to its own predicate.
	if bad.Success || !messaging.IsUnregistered(bad.Error) {
		t.Errorf("unknown token: %+v", bad)
	}

	n := compattest.OnlyShown(t, s, phone)
	if n.Title != "Bob" || n.Body != "are you there?" || n.Channel != "im" || n.Extras["conv"] != "c1" || n.MessageID != ok.MessageID {
		t.Errorf("shown: %+v", n)
	}
}
