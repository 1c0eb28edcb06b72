package honor_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators/honor"
	"github.com/pushsim/pushsim/emulators/world"
)

var _ = Describe("the vendor", func() {
	It("lists its rules with unique honor.* ids, levels and sources", func() {
		v := honor.New(world.New(world.Options{}))
		seen := map[string]bool{}
		for _, r := range v.Rules() {
			Expect(r.ID).To(HavePrefix("honor."))
			Expect(seen).NotTo(HaveKey(r.ID))
			seen[r.ID] = true
			Expect(r.Vendor).To(Equal("honor"))
			Expect(r.Source).NotTo(BeEmpty())
			Expect(r.Statement).NotTo(BeEmpty())
			Expect(r.Level).To(BeElementOf("MUST", "SHOULD", "INFO"))
			Expect(r.Confidence).To(BeElementOf("documented", "secondary", "inferred"))
		}
		Expect(seen).To(HaveKey(world.FaultRule("honor")))
	})

	It("makes demo apps and tokens in its formats, the same app the same way and without the world's randomness", func() {
		w := world.New(world.Options{Seed: 3})
		v := honor.New(w)
		app := world.App{Name: "My Chat"}
		v.DemoApp(&app)
		Expect(app.ID).To(MatchRegexp(`^10\d{7}$`))
		Expect(app.Key).To(MatchRegexp(`^2\d{18}$`))
		Expect(app.Secret).To(MatchRegexp(`^[0-9A-Za-z]{32}$`))
		Expect(app.Package).To(Equal("com.example.mychat"))
		Expect(app.Privileges).To(ConsistOf(honor.PrivServiceRight))
		again := world.App{Name: "My Chat"}
		v.DemoApp(&again)
		Expect(again).To(Equal(app))
		fresh := world.New(world.Options{Seed: 3})
		honor.New(fresh) // New draws the request-id counter's start
		Expect(w.RandString(8, world.Hex)).To(Equal(fresh.RandString(8, world.Hex)), "DemoApp drew from the world's source")
		Expect(v.NewToken(&app)).To(MatchRegexp(`^AQ[A-Za-z0-9_-]{62}$`))
		Expect(v.Hosts()).To(ContainElements("push-api.cloud.honor.com", "iam.developer.honor.com", "push-api.cloud.hihonor.com", "iam.developer.hihonor.com"))
	})

	It("keeps what the caller gave, privileges included", func() {
		v := honor.New(world.New(world.Options{}))
		app := world.App{Name: "x", ID: "1", Key: "k", Secret: "s", Package: "p", Privileges: []string{}}
		v.DemoApp(&app)
		Expect(app).To(Equal(world.App{Name: "x", ID: "1", Key: "k", Secret: "s", Package: "p", Privileges: []string{}}))
	})
})
