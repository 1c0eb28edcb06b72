package huawei_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestHuawei(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/huawei")
}
