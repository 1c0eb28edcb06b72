// Package scenarios is the conformance suite: one YAML file per scenario,
// in a folder per vendor or topic (xiaomi/, im/, ...), embedded in the
// binary. The format is documented in README.md; harness loads and runs it.
package scenarios

import "embed"

// FS holds every scenario file (*/*.yaml).
//
//go:embed */*.yaml
var FS embed.FS
