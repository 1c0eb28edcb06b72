package main

import "github.com/spf13/cobra"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "pushsim",
		Short:         "Emulate Android vendor push services and test an offline-push dispatcher against them",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(subcommands...)
	return root
}

// subcommands is filled by each command's file (serve.go, run.go, ...).
var subcommands []*cobra.Command
