package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pushsim/pushsim/reports"
)

func init() { subcommands = append(subcommands, newReportCmd()) }

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Compare two runs (a release gate) or render a run's report.json again",
	}
	cmd.AddCommand(newReportDiffCmd(), newReportRenderCmd())
	return cmd
}

// newFailError ends `report diff` with a non-zero status.
type newFailError struct{ n int }

func (e *newFailError) Error() string { return fmt.Sprintf("%d new FAIL", e.n) }

func newReportDiffCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "List the scenarios that got better and worse; exit non-zero on a new FAIL",
		Long: `Compare two report.json files by scenario id and list what got worse (a new
FAIL is marked !), what got better, new and removed scenarios. The exit status
is 1 when NEW has a FAIL that OLD did not have: a release gate.`,
		Example: `  pushsim report diff baseline/report.json out/report.json`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			old, err := readReport(args[0])
			if err != nil {
				return err
			}
			cur, err := readReport(args[1])
			if err != nil {
				return err
			}
			n, err := reports.WriteDiff(cmd.OutOrStdout(), reports.Diff(old, cur))
			if err != nil {
				return err
			}
			if n > 0 {
				return &newFailError{n}
			}
			return nil
		},
	}
}

func newReportRenderCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "render REPORT.json",
		Short: "Write junit.xml, report.md and report.html (and report.json) again from a report.json",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			run, err := readReport(args[0])
			if err != nil {
				return err
			}
			paths, err := reports.WriteFiles(out, run)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", strings.Join(paths, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", ".", "directory to write to")
	return cmd
}

func readReport(path string) (*reports.Run, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	run, err := reports.ReadJSON(f)
	if err != nil {
		if errors.Is(err, reports.ErrSchema) {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return run, nil
}
