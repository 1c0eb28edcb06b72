package dispatcher_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pushsim/pushsim/dispatcher"
	"github.com/pushsim/pushsim/dispatcher/push"
)

// countingXiaomi answers every MiPush send with success, in process. It
// stands in for the emulators (which dispatcher may not import); the full
// six-vendor benchmark against them belongs to harness.
type countingXiaomi struct{ n atomic.Int64 }

func (c *countingXiaomi) RoundTrip(req *http.Request) (*http.Response, error) {
	_, _ = io.Copy(io.Discard, req.Body)
	req.Body.Close()
	c.n.Add(1)
	return &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{"result":"ok","code":0,"data":{"id":"scm1"},"description":"成功","trace_id":"X"}`)),
		Request:    req,
	}, nil
}

// BenchmarkGroupFanout sends one group message to 100k background devices
// on Xiaomi (the only vendor client in the tree so far) through the real
// client and reports the vendor requests per message.
func BenchmarkGroupFanout(b *testing.B) {
	const members = 100_000
	rt := &countingXiaomi{}
	d, err := dispatcher.New(dispatcher.Config{
		Certificates: []push.Certificate{{BusinessID: 1, Vendor: "xiaomi", AppSecret: "s", Package: "com.example.chat", Channel: "im"}},
		HTTPClient:   &http.Client{Transport: rt},
		VendorQPS:    map[string]int{"xiaomi": -1}, // measure the dispatcher, not the pacing
		Seed:         1,
	})
	if err != nil {
		b.Fatal(err)
	}
	users := make([]string, members)
	for i := range users {
		users[i] = fmt.Sprintf("user%06d", i)
		if err := d.Login(users[i], "phone"); err != nil {
			b.Fatal(err)
		}
		if err := d.ReportToken(users[i], "phone", 1, "reg"+users[i]); err != nil {
			b.Fatal(err)
		}
		if err := d.Background(users[i], "phone", 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.Send(context.Background(), dispatcher.Message{From: "boss", Group: "all", Members: users, Text: "hello"}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "requests/op")
}
