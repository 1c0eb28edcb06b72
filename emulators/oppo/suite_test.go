package oppo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestOPPO(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "emulators/oppo")
}
