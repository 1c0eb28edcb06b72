package scenarios_test

import (
	"fmt"
	"io/fs"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/harness/catalogue"
	"github.com/pushsim/pushsim/scenarios"
)

// Every scenario file is a spec, labelled with its vendor and rule ids:
//
//	go test ./scenarios/... -ginkgo.label-filter='xiaomi && quota'
var _ = harness.Specs(scenarios.FS, harness.Options{})

var _ = Describe("the suite", func() {
	var all []*harness.Scenario
	BeforeEach(func() {
		var err error
		all, err = harness.LoadFS(scenarios.FS)
		Expect(err).NotTo(HaveOccurred())
	})

	It("embeds every scenario file", func() {
		var files []string
		Expect(fs.WalkDir(scenarios.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return err
		})).To(Succeed())
		Expect(files).To(HaveLen(len(all)))
		Expect(files).To(ContainElement("xiaomi/auth-secret.yaml"))
	})

	// The rule catalogue (every emulator's Rules() and dispatcher.Rules())
	// is covered vendor by vendor once the vendor has a folder of scenarios
	// (im/ for the dispatcher's rules): every rule is named by at least one
	// scenario. No scenario names a rule the catalogue does not have, unless
	// its vendor is not in the catalogue yet (an emulator in progress).
	It("covers every catalogue rule of each vendor it has scenarios for, and names no unknown rule", func() {
		cat, err := catalogue.Default()
		Expect(err).NotTo(HaveOccurred())
		named := map[string][]string{} // rule → scenario ids
		for _, s := range all {
			for _, r := range s.Rules {
				named[r] = append(named[r], s.ID)
			}
		}
		var uncovered []string
		for _, v := range cat.Vendors() {
			if entries, err := fs.ReadDir(scenarios.FS, v); err != nil || len(entries) == 0 {
				continue
			}
			for _, r := range cat.Vendor(v) {
				if _, ok := named[r.ID]; !ok {
					uncovered = append(uncovered, r.ID+" ("+r.Statement+")")
				}
			}
		}
		Expect(uncovered).To(BeEmpty(), "rules no scenario names")
		var unknown []string
		for r, ids := range named {
			vendor, _, _ := strings.Cut(r, ".")
			if _, ok := cat.Rule(r); !ok && len(cat.Vendor(vendor)) > 0 {
				unknown = append(unknown, fmt.Sprintf("%s (named by %v)", r, ids))
			}
		}
		Expect(unknown).To(BeEmpty(), "rules the catalogue does not have")
	})

	It("has the IM scenarios of issue 5 across every vendor the dispatcher can reach", func() {
		perVendor := map[string]int{}
		n := 0
		for _, s := range all {
			if strings.HasPrefix(s.ID, "im/") {
				n++
				perVendor[harness.VendorOf(s)]++
			}
		}
		Expect(n).To(BeNumerically(">=", 25))
		for _, v := range []string{"xiaomi", "huawei", "oppo", "vivo", "meizu", "fcm"} {
			Expect(perVendor).To(HaveKey(v), "no IM scenario on %s", v)
		}
	})

	It("files each vendor's scenarios under its folder with an id that starts with it", func() {
		for _, s := range all {
			dir, _, _ := strings.Cut(s.File, "/")
			Expect(s.ID).To(HavePrefix(dir+"/"), "%s: id %s", s.File, s.ID)
		}
	})
})
