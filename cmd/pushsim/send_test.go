package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators"
)

// pushsim send reaches a demo phone of every vendor through the built-in
// vendor client, with credentials and tokens from the control plane.
func TestSendReachesEveryDemoPhone(t *testing.T) {
	s := emulators.Start(t, emulators.Options{})
	demo, err := emulators.SeedDemo(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range demo.Vendors {
		if v.Vendor == "apns" {
			continue // iOS: not an Android demo phone
		}
		t.Run(v.Vendor, func(t *testing.T) {
			var out bytes.Buffer
			phone := v.Phones[0].Name
			err := runSend(context.Background(), &out, sendOptions{
				emulators: s.URL(), vendor: v.Vendor, app: emulators.DemoAppName, to: []string{phone},
				title: "Bob", body: "Lunch at noon?", ext: `{"conv":"c2c_bob"}`, timeout: 10 * time.Second,
			})
			if err != nil {
				t.Fatalf("send: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), phone+": sent") {
				t.Fatalf("output %q does not say sent", out.String())
			}
			shade, err := s.World.Shade(phone)
			if err != nil {
				t.Fatal(err)
			}
			if len(shade.Shown) != 1 || shade.Shown[0].Title != "Bob" || shade.Shown[0].Body != "Lunch at noon?" {
				t.Fatalf("%s shows %+v, want one notification Bob / Lunch at noon?", phone, shade.Shown)
			}
		})
	}
}

func TestSendRefusesMissingFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    sendOptions
		want string
	}{
		{"no target", sendOptions{vendor: "oppo"}, "--to"},
		{"no vendor", sendOptions{to: []string{"x"}}, "--vendor"},
		{"unknown certs file", sendOptions{to: []string{"x"}, certs: "/nonexistent/certs.yaml"}, "certs.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := runSend(context.Background(), &bytes.Buffer{}, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
