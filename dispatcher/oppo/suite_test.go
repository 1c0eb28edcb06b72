package oppo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestOPPOClient(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/oppo")
}
