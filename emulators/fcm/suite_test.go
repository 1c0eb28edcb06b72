package fcm_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFCM(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "emulators/fcm")
}
