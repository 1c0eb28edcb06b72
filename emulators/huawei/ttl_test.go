package huawei_test

import (
	"testing"
	"time"

	"github.com/pushsim/pushsim/emulators/huawei"
)

func TestParseTTL(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"86400", 86400 * time.Second, true},
		{"86400s", 86400 * time.Second, true},
		{"10S", 10 * time.Second, true},
		{"1.5s", 1500 * time.Millisecond, true},
		{"0.000000001", time.Nanosecond, true},
		{"1.0000000001", 0, false},
		{"1.", 0, false},
		{".5", 0, false},
		{"5Ss", 0, false},
		{"-1", 0, false},
		{"1 day", 0, false},
		{"", 0, false},
		{"s", 0, false},
		{"1e3", 0, false},
	} {
		got, ok := huawei.ParseTTL(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
