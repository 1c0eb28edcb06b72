package emulators_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestEmulators(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "emulators")
}
