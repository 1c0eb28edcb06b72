package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/harness/catalogue"
	"github.com/pushsim/pushsim/reports"
	"github.com/pushsim/pushsim/scenarios"
)

func init() { subcommands = append(subcommands, newRulesCmd()) }

type rulesOptions struct {
	json    bool
	vendors []string
	rules   []string
}

// listedRule is a catalogue entry with the built-in scenarios that check it.
type listedRule struct {
	reports.Rule
	Scenarios []string `json:"scenarios"`
}

func newRulesCmd() *cobra.Command {
	var o rulesOptions
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalogue: every rule the emulators enforce and the dispatcher must honour",
		Long: `List every rule of the conformance suite: the vendor emulators' rules
(vendor.topic.rule) and the IM dispatcher's decisions (im.topic.rule), each
with its level (MUST, SHOULD, INFO), its source (a vendor-facts section or an
integration guide step), the confidence of that source, and the built-in
scenarios that check it.`,
		Example: `  pushsim rules
  pushsim rules --vendor oppo
  pushsim rules --rule 'im.*' --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listRules(cmd.OutOrStdout(), o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "print JSON")
	f.StringSliceVar(&o.vendors, "vendor", nil, "only these vendors (im for the dispatcher)")
	f.StringSliceVar(&o.rules, "rule", nil, "only rule ids matching these globs")
	return cmd
}

func listRules(w io.Writer, o rulesOptions) error {
	cat, err := catalogue.Default()
	if err != nil {
		return err
	}
	suite, _ := harness.LoadFS(scenarios.FS) // a malformed file is pushsim run's to report
	checks := map[string][]string{}
	for _, s := range suite {
		for _, id := range s.Rules {
			checks[id] = append(checks[id], s.ID)
		}
	}
	var list []listedRule
	for _, r := range cat.Rules() {
		if len(o.vendors) > 0 && !catalogue.MatchAny(o.vendors, r.Vendor) || len(o.rules) > 0 && !catalogue.MatchAny(o.rules, r.ID) {
			continue
		}
		sc := checks[r.ID]
		if sc == nil {
			sc = []string{}
		}
		list = append(list, listedRule{Rule: r, Scenarios: sc})
	}
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if list == nil {
			list = []listedRule{}
		}
		return enc.Encode(map[string]any{"rules": list})
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	vendor := ""
	for _, r := range list {
		if r.Vendor != vendor {
			if vendor != "" {
				fmt.Fprintln(tw)
			}
			vendor = r.Vendor
			fmt.Fprintf(tw, "%s\n", strings.ToUpper(vendor))
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", r.ID, r.Level, len(r.Scenarios), r.Statement)
		fmt.Fprintf(tw, "  \t\t\t%s (%s)\n", r.Source, orUnknown(r.Confidence))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d rules (columns: id, level, scenarios checking it, statement; then the source and its confidence)\n", len(list))
	return nil
}

func orUnknown(s string) string {
	if s == "" {
		return "confidence not given"
	}
	return s
}
