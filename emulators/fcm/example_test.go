package fcm_test

import (
	"context"
	"fmt"
	"net"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"google.golang.org/api/option"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/fcm"
	"github.com/pushsim/pushsim/emulators/world"
)

// The official Admin SDK, unchanged, against the emulators: the key file's
// token_uri and the messaging endpoint are the only settings.
func ExampleServiceAccountJSON() {
	s := emulators.New(emulators.Options{})
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := s.Listen(l)
	defer srv.Close()

	v := s.Vendor(fcm.Vendor)
	app := world.App{Vendor: fcm.Vendor, Name: "chat"}
	v.DemoApp(&app) // project id, sender id, service-account key file
	stored, _ := s.World.AddApp(app)
	phone, _ := s.World.Register(world.Device{Vendor: fcm.Vendor, App: "chat", Token: v.NewToken(stored)})

	ctx := context.Background()
	fb, _ := firebase.NewApp(ctx, nil,
		option.WithCredentialsJSON(fcm.ServiceAccountJSON(stored, s.BaseURL(fcm.Vendor)+"/token")),
		option.WithEndpoint(s.BaseURL(fcm.Vendor)+"/v1"))
	client, _ := fb.Messaging(ctx)
	_, err := client.Send(ctx, &messaging.Message{
		Token:        phone.Token,
		Notification: &messaging.Notification{Title: "Bob", Body: "are you there?"},
	})
	fmt.Println("send error:", err)

	shade, _ := s.World.Shade(phone.ID)
	n := shade.Shown[0]
	fmt.Printf("%s: %s (channel %s)\n", n.Title, n.Body, n.Channel)
	// Output:
	// send error: <nil>
	// Bob: are you there? (channel fcm_fallback_notification_channel)
}
