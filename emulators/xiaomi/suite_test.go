package xiaomi_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestXiaomi(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "emulators/xiaomi")
}
