package scenarios_test

import (
	"io/fs"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pushsim/pushsim/emulators"
	"github.com/pushsim/pushsim/harness"
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

	// A vendor's rules are covered once the vendor has a folder of
	// scenarios: every rule its emulator enforces is named by at least one,
	// and no scenario names a rule that vendor does not have.
	It("covers every rule of each vendor it has scenarios for, and names no unknown vendor rule", func() {
		srv := emulators.New(emulators.Options{})
		named := map[string][]string{} // rule → scenario ids
		for _, s := range all {
			for _, r := range s.Rules {
				named[r] = append(named[r], s.ID)
			}
		}
		for _, v := range srv.Vendors() {
			if entries, err := fs.ReadDir(scenarios.FS, v); err != nil || len(entries) == 0 {
				continue
			}
			var known []string
			for _, r := range srv.Vendor(v).Rules() {
				known = append(known, r.ID)
				Expect(named).To(HaveKey(r.ID), "no scenario names rule %s (%s)", r.ID, r.Statement)
			}
			for r, ids := range named {
				if strings.HasPrefix(r, v+".") {
					Expect(slices.Contains(known, r)).To(BeTrue(), "%v name rule %s, which the %s emulator does not list", ids, r, v)
				}
			}
		}
	})

	It("files each vendor's scenarios under its folder with an id that starts with it", func() {
		for _, s := range all {
			dir, _, _ := strings.Cut(s.File, "/")
			Expect(s.ID).To(HavePrefix(dir+"/"), "%s: id %s", s.File, s.ID)
		}
	})
})
