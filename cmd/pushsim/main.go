// Command pushsim runs the vendor push emulators (serve), the conformance
// suite (run) and the reports.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "pushsim:", err)
		os.Exit(1)
	}
}
