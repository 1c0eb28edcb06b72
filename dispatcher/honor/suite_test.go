package honor_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHonor(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/honor")
}
