package apns_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestAPNsClient(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "dispatcher/apns")
}
