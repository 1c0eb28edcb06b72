package vivo_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestVivo(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/vivo")
}
