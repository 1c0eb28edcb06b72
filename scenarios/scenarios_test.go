package scenarios_test

import (
	"github.com/pushsim/pushsim/harness"
	"github.com/pushsim/pushsim/scenarios"
)

// Every scenario file is a spec, labelled with its vendor and rule ids:
// go test ./scenarios/... -ginkgo.label-filter='xiaomi && quota'
var _ = harness.Specs(scenarios.FS, harness.Options{})
