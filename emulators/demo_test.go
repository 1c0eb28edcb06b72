package emulators_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/emulators/world"
)

type tokenless struct{ echo }

func (tokenless) Name() string               { return "tokenless" }
func (tokenless) NewToken(*world.App) string { return "" }

var _ = Describe("SeedDemo", func() {
	It("gives every vendor a demo app with credentials and two Android 13 phones", func() {
		s := emulators.New(emulators.Options{})
		demo, err := emulators.SeedDemo(s)
		Expect(err).NotTo(HaveOccurred())
		Expect(demo.Vendors).To(HaveLen(len(s.Vendors())))
		for i, v := range demo.Vendors {
			Expect(v.Vendor).To(Equal(s.Vendors()[i]))
			Expect(v.BaseURL).To(Equal(s.BaseURL(v.Vendor)))
			app, ok := s.World.App(v.Vendor, "demo")
			Expect(ok).To(BeTrue(), v.Vendor)
			if v.Vendor == "fcm" {
				// The key file handed out points token_uri at this server.
				Expect(v.App.Extra["service_account"]).To(ContainSubstring(`"token_uri": "` + s.BaseURL("fcm") + `/token"`))
				v.App.Extra["service_account"] = app.Extra["service_account"]
			}
			Expect(v.App).To(Equal(*app))
			Expect(app.Secret+app.Key+app.ID+app.Extra["service_account"]).NotTo(BeEmpty(), "%s has credentials", v.Vendor)
			Expect(v.Phones).To(HaveLen(2))
			for j, user := range []string{"alice", "bob"} {
				p := v.Phones[j]
				Expect(p.Name).To(Equal(user + "-" + v.Vendor))
				Expect(p.Android).To(Equal(33))
				Expect(p.App).To(Equal("demo"))
				got, ok := s.World.DeviceByToken(v.Vendor, p.Token)
				Expect(ok).To(BeTrue())
				Expect(got.ID).To(Equal(p.ID))
			}
		}
	})
	It("reuses what exists, so seeding twice is harmless", func() {
		s := emulators.New(emulators.Options{Vendors: []func(*world.World) world.Vendor{newEcho}})
		first, err := emulators.SeedDemo(s)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.World.RemoveDevice("bob-echo")).To(Succeed())
		second, err := emulators.SeedDemo(s)
		Expect(err).NotTo(HaveOccurred())
		Expect(second.Vendors[0].App).To(Equal(first.Vendors[0].App))
		Expect(second.Vendors[0].Phones[0]).To(Equal(first.Vendors[0].Phones[0]))
		Expect(second.Vendors[0].Phones[1].Token).NotTo(Equal(first.Vendors[0].Phones[1].Token), "bob was registered again")
		Expect(s.World.Devices("")).To(HaveLen(2))
	})
	It("fails, naming the vendor, when a vendor makes no token", func() {
		s := emulators.New(emulators.Options{Vendors: []func(*world.World) world.Vendor{
			func(w *world.World) world.Vendor { return tokenless{echo{w}} },
		}})
		_, err := emulators.SeedDemo(s)
		Expect(err).To(MatchError(ContainSubstring("tokenless emulator made no token")))
	})
	It("renders an env snippet a shell can source", func() {
		t := &fakeT{}
		defer t.cleanup()
		s := emulators.Start(t, emulators.Options{Vendors: []func(*world.World) world.Vendor{newEcho}})
		demo, err := emulators.SeedDemo(s)
		Expect(err).NotTo(HaveOccurred())
		v := demo.Vendors[0]
		env := demo.Env()
		lines := strings.Split(env, "\n")
		Expect(lines).To(ContainElements(
			"PUSHSIM_URL="+s.URL(),
			"PUSHSIM_ECHO_BASE_URL="+s.URL()+"/echo",
			"PUSHSIM_ECHO_APP_SECRET=echo-secret",
			"PUSHSIM_ECHO_EXTRA_APP_SECRET=other",
			`PUSHSIM_ECHO_SERVICE_ACCOUNT='{"type": "service_account", "it'\''s": 1}'`,
			"PUSHSIM_ECHO_TOKEN_ALICE="+v.Phones[0].Token,
			"PUSHSIM_ECHO_TOKEN_BOB="+v.Phones[1].Token,
		))
		Expect(env).NotTo(ContainSubstring("PUSHSIM_ECHO_APP_ID"), "empty values are left out")
		for _, l := range lines {
			Expect(l == "" || strings.HasPrefix(l, "#") || strings.HasPrefix(l, "PUSHSIM_")).To(BeTrue(), l)
		}
	})
})
