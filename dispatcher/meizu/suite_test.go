package meizu_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestMeizu(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/meizu")
}
